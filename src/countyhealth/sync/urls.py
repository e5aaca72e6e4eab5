from django.urls import path

from . import views

app_name = "sync"

urlpatterns = [
    path("", views.app_shell, name="app"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("devices/", views.device_list, name="device-list"),
    path("devices/<int:pk>/revoke/", views.revoke_device, name="device-revoke"),
]
