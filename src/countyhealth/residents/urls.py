from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("", views.resident_list, name="resident-list"),
    path("new/", views.resident_create, name="resident-create"),
    path("duplicates/", views.duplicate_list, name="duplicate-list"),
]
