from django.urls import path

from . import maternal_views, views

app_name = "publichealth"
urlpatterns = [
    path("due/", views.due_list, name="due-list"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("residents/<int:pk>/", views.resident_programmes, name="resident-programmes"),
    path("residents/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("residents/<int:pk>/followups/<str:programme>/new/", views.followup_create, name="followup-create"),
    path("residents/<int:pk>/child-visits/new/", views.child_visit_create, name="child-visit-create"),
    path("residents/<int:pk>/pregnancy/new/", maternal_views.register_pregnancy, name="pregnancy-register"),
    path("residents/<int:pk>/maternal-visits/new/", maternal_views.maternal_visit_create, name="maternal-visit-create"),
    path("residents/<int:pk>/delivery/new/", maternal_views.delivery_create, name="delivery-create"),
    path("enrolments/<int:pk>/end/", views.end_enrolment, name="enrolment-end"),
    path("followups/<int:pk>/", views.followup_detail, name="followup-detail"),
]
