from django.urls import path

from . import diagnosis_views, views

app_name = "records"
urlpatterns = [
    path("<int:pk>/", views.record_detail, name="record-detail"),
    path("<int:pk>/open/", views.record_open, name="record-open"),
    path("<int:pk>/personal-info/", views.personal_info_edit, name="personal-info-edit"),
    path("<int:pk>/status/", views.status_change, name="status-change"),
    path("<int:pk>/checks/new/", views.check_create, name="check-create"),
    path("<int:pk>/checks/<int:check_pk>/", views.check_detail, name="check-detail"),
    path("<int:pk>/checks/<int:check_pk>/edit/", views.check_edit, name="check-edit"),
    path("<int:pk>/timeline/", views.resident_timeline, name="timeline"),
    path("<int:pk>/diagnoses/", diagnosis_views.resident_diagnoses, name="diagnoses"),
    path("icd10/", diagnosis_views.icd10_search, name="icd10-search"),
]
