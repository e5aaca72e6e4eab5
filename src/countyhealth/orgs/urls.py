from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [path("", views.organisation_tree, name="organisation-tree")]
