from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from . import actions


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        actions.record_password_changed(self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
def home(request):
    return render(request, "accounts/home.html", {"tiles": home_tiles(request.user)})


def home_tiles(user):
    """What the home page offers each role: one tile per entry of its navigation."""
    from .navigation import items_for

    return [item for item in items_for(user) if item.url_name != "home"]
