from django.urls import path

from . import views

app_name = "clinic"

urlpatterns = [
    path("", views.visit_list, name="visit-list"),
    path("residents/<int:pk>/visit/", views.visit_open, name="visit-open"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<int:pk>/update/", views.visit_update, name="visit-update"),
    path("visits/<int:pk>/diagnoses/", views.diagnosis_add, name="diagnosis-add"),
    path("visits/<int:pk>/orders/", views.order_add, name="order-add"),
    path("visits/<int:pk>/prescriptions/", views.prescription_add, name="prescription-add"),
    path("visits/<int:pk>/followup/<str:programme>/", views.visit_followup, name="visit-followup"),
    path("visits/<int:pk>/close/", views.visit_close, name="visit-close"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit-cancel"),
    path("prescriptions/<int:pk>/dispense/", views.prescription_dispense, name="prescription-dispense"),
    path("prescriptions/<int:pk>/cancel/", views.prescription_cancel, name="prescription-cancel"),
    path("drugs/options/", views.drug_options, name="drug-options"),
    path("stock/", views.stock, name="stock"),
    path("stock/batches/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("shortages/", views.shortage_list, name="shortage-list"),
]
