from django.urls import path

from . import views

app_name = "insurance"

urlpatterns = [
    path("", views.settlement_list, name="settlement-list"),
    path("residents/<int:pk>/bill/", views.resident_bill, name="resident-bill"),
    path("visits/<int:pk>/presettle/", views.visit_presettle, name="visit-presettle"),
    path("settlements/<int:pk>/", views.settlement_detail, name="settlement-detail"),
    path("settlements/<int:pk>/settle/", views.settlement_settle, name="settlement-settle"),
    path("settlements/<int:pk>/reverse/", views.settlement_reverse, name="settlement-reverse"),
    path("settlements/<int:pk>/receipt/", views.settlement_receipt, name="settlement-receipt"),
    path("qualifications/", views.qualification_list, name="qualification-list"),
    path("qualifications/run/", views.qualification_run, name="qualification-run"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("workload/", views.workload, name="workload"),
]
