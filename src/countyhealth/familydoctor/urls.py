from django.urls import path

from . import views

app_name = "familydoctor"
urlpatterns = [
    path("residents/<int:pk>/", views.resident_contracts, name="resident-contracts"),
    path("residents/<int:pk>/sign/", views.contract_sign, name="contract-sign"),
    path("contracts/<int:pk>/renew/", views.contract_renew, name="contract-renew"),
    path("contracts/<int:pk>/terminate/", views.contract_terminate, name="contract-terminate"),
    path("teams/", views.team_list, name="team-list"),
    path("teams/new/", views.team_create, name="team-create"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team-edit"),
    path("packages/", views.package_list, name="package-list"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/residents/", views.coverage_residents, name="coverage-residents"),
]
