from django.urls import path

from . import dicomweb_proxy, proxy, views

app_name = "imaging"

urlpatterns = [
    path("", views.study_list, name="study-list"),
    path("worklist/", views.worklist, name="worklist"),
    path("residents/<int:pk>/", views.resident_studies, name="resident-studies"),
    path("residents/<int:pk>/upload/", views.upload, name="upload"),
    path("studies/<int:pk>/", views.study_detail, name="study-detail"),
    path("studies/<int:pk>/claim/", views.claim, name="study-claim"),
    path("studies/<int:pk>/release/", views.release, name="study-release"),
    path("studies/<int:pk>/sign/", views.sign, name="report-sign"),
    path("studies/<int:pk>/amend/", views.amend, name="report-amend"),
    path("studies/<int:pk>/report/", views.report_print, name="report-print"),
    path("pacs/<path:path>", proxy.pacs_proxy, name="pacs"),
    path("dicom-web/<path:path>", dicomweb_proxy.dicomweb_proxy, name="dicomweb"),
]
