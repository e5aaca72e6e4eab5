from django.urls import path

from . import self_booking, views

app_name = "appointments"

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("self/", self_booking.self_booking, name="self-book"),
    path("sessions/new/", views.session_create, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/waitlist/", views.waitlist_join, name="waitlist-join"),
    path("sessions/<int:pk>/queue/", views.queue_screen, name="queue"),
    path("sessions/<int:pk>/call-next/", views.call_next, name="call-next"),
    path("sessions/<int:pk>/display/", views.display, name="display"),
    path("sessions/<int:pk>/display/numbers/", views.display_numbers, name="display-numbers"),
    path("slots/<int:pk>/book/", views.book, name="book"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking-detail"),
    path("bookings/<int:pk>/<str:action>/", views.booking_action, name="booking-action"),
    path("residents/<int:pk>/", views.resident_bookings, name="resident-bookings"),
]
