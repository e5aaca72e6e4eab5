"""The JSON API under /api/: each app's router mounted here, one auth and one error format."""

from ninja import NinjaAPI

from countyhealth.accounts.api import router as accounts_router
from countyhealth.accounts.api_auth import api_auth
from countyhealth.appointments.api import router as appointments_router
from countyhealth.clinic.api import router as clinic_router
from countyhealth.core import api_errors, fastjson
from countyhealth.ecg.api import router as ecg_router
from countyhealth.familydoctor.api import router as familydoctor_router
from countyhealth.imaging.api import router as imaging_router
from countyhealth.insurance.api import router as insurance_router
from countyhealth.lab.api import router as lab_router
from countyhealth.notifications.api import router as notifications_router
from countyhealth.publichealth.api import router as publichealth_router
from countyhealth.publichealth.indicators.api import router as indicators_router
from countyhealth.records.api import router as records_router
from countyhealth.referrals.api import router as referrals_router
from countyhealth.residents.api import router as residents_router
from countyhealth.surveillance.api import router as surveillance_router
from countyhealth.sync.api import router as sync_router

api = NinjaAPI(
    title="countyhealth API",
    version="1",
    description="县域医共体全民健康信息平台 JSON API. Authenticate with the browser session (CSRF header) "
    "or `Authorization: Bearer <token>`.",
    auth=api_auth,
    urls_namespace="api",
    renderer=fastjson.Renderer(),
    parser=fastjson.BodyParser(),
)
api_errors.install(api)
api.add_router("/accounts/", accounts_router)
api.add_router("/residents/", residents_router)
api.add_router("/records/", records_router)
api.add_router("/family-doctor/", familydoctor_router)
api.add_router("/indicators/", indicators_router)
api.add_router("/publichealth/", publichealth_router)
api.add_router("/notifications/", notifications_router)
api.add_router("/appointments/", appointments_router)
api.add_router("/referrals/", referrals_router)
api.add_router("/ecg/", ecg_router)
api.add_router("/imaging/", imaging_router)
api.add_router("/lab/", lab_router)
api.add_router("/surveillance/", surveillance_router)
api.add_router("/clinic/", clinic_router)
api.add_router("/insurance/", insurance_router)
api.add_router("/sync/", sync_router)
