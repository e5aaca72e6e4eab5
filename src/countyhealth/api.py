"""The JSON API under /api/: each app's router mounted here, one auth and one error format."""

from ninja import NinjaAPI

from countyhealth.accounts.api import router as accounts_router
from countyhealth.accounts.api_auth import api_auth
from countyhealth.core import api_errors
from countyhealth.familydoctor.api import router as familydoctor_router
from countyhealth.publichealth.api import router as publichealth_router
from countyhealth.publichealth.indicators.api import router as indicators_router
from countyhealth.records.api import router as records_router
from countyhealth.residents.api import router as residents_router

api = NinjaAPI(
    title="countyhealth API",
    version="1",
    description="县域医共体全民健康信息平台 JSON API. Authenticate with the browser session (CSRF header) "
    "or `Authorization: Bearer <token>`.",
    auth=api_auth,
    urls_namespace="api",
)
api_errors.install(api)
api.add_router("/accounts/", accounts_router)
api.add_router("/residents/", residents_router)
api.add_router("/records/", records_router)
api.add_router("/family-doctor/", familydoctor_router)
api.add_router("/indicators/", indicators_router)
api.add_router("/publichealth/", publichealth_router)
