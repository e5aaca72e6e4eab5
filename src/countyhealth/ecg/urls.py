from django.urls import path

from . import views

app_name = "ecg"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("worklist/rows/", views.worklist_rows, name="worklist-rows"),
    path("sent/", views.uploads, name="uploads"),
    path("turnaround/", views.turnaround, name="turnaround"),
    path("residents/<int:pk>/", views.resident_ecgs, name="resident-ecgs"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/signal.json", views.signal, name="signal"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/green-channel/", views.green_channel, name="green-channel"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
]
