from django.urls import path

from . import views

app_name = "surveillance"

urlpatterns = [
    path("", views.home, name="home"),
    path("cards/", views.card_list, name="cards"),
    path("cards/<int:pk>/", views.card_detail, name="card"),
    path("cards/<int:pk>/<str:action>/", views.card_act, name="card-act"),
    path("missed/", views.missed, name="missed"),
    path("export/", views.export, name="export"),
    path("signals/", views.signal_list, name="signals"),
    path("signals/<int:pk>/", views.signal_detail, name="signal"),
    path("signals/<int:pk>/<str:action>/", views.signal_act, name="signal-act"),
    path("curve/", views.curve, name="curve"),
    path("run/", views.run_now, name="run"),
    path("syndromes/", views.syndromes, name="syndromes"),
    path("syndromes/run/", views.syndromes_run, name="syndromes-run"),
]
