from django.urls import path

from . import views

app_name = "lab"

urlpatterns = [
    path("residents/<int:pk>/results/", views.resident_results, name="resident-results"),
    path("residents/<int:pk>/order/", views.order_create, name="order-create"),
    path("residents/<int:pk>/enter/", views.result_entry, name="result-entry"),
    path("upload/", views.result_upload, name="result-upload"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report-pdf"),
    path("critical/", views.alert_list, name="alert-list"),
    path("critical/<int:pk>/", views.alert_detail, name="alert-detail"),
    path("recognition/", views.recognition, name="recognition"),
]
