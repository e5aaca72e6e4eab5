from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/<str:action>/", views.referral_act, name="act"),
    path("residents/<int:pk>/", views.resident_referrals, name="resident"),
    path("residents/<int:pk>/up/", views.refer_up, name="create"),
    path("residents/<int:pk>/down/", views.refer_down, name="create-down"),
]
