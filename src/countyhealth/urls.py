from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from countyhealth.accounts import views as account_views

from .api import api

admin.site.site_header = _("County Health Platform administration")
admin.site.site_title = _("County Health Platform")

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("countyhealth.accounts.urls")),
    path("organisations/", include("countyhealth.orgs.urls")),
    path("residents/", include("countyhealth.residents.urls")),
    path("records/", include("countyhealth.records.urls")),
    path("family-doctor/", include("countyhealth.familydoctor.urls")),
    path("indicators/", include("countyhealth.publichealth.indicators.urls")),
    path("public-health/", include("countyhealth.publichealth.urls")),
    path("audit/", include("countyhealth.accounts.audit_urls")),
    path("notifications/", include("countyhealth.notifications.urls")),
    path("appointments/", include("countyhealth.appointments.urls")),
    path("referrals/", include("countyhealth.referrals.urls")),
    path("ecg/", include("countyhealth.ecg.urls")),
    path("imaging/", include("countyhealth.imaging.urls")),
    path("lab/", include("countyhealth.lab.urls")),
    path("surveillance/", include("countyhealth.surveillance.urls")),
    path("clinic/", include("countyhealth.clinic.urls")),
    path("insurance/", include("countyhealth.insurance.urls")),
    path("sync/", include("countyhealth.sync.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
