from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("", views.resident_list, name="resident-list"),
    path("new/", views.resident_create, name="resident-create"),
    path("<int:pk>/", views.resident_detail, name="resident-detail"),
    path("<int:pk>/edit/", views.resident_edit, name="resident-edit"),
    path("households/", views.household_options, name="household-options"),
    path("duplicates/", views.duplicate_list, name="duplicate-list"),
    path("duplicates/<int:pk>/", views.duplicate_review, name="duplicate-review"),
    path("links/<int:pk>/unmerge/", views.link_unmerge, name="link-unmerge"),
    path("break-glass/", views.break_glass, name="break-glass"),
]
