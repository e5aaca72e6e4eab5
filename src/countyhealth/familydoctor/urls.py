app_name = "familydoctor"
urlpatterns = []
