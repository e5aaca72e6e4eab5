from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
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


@login_required
def api_tokens(request):
    """A user's machine credentials: issue one (shown once) or revoke one."""
    from .forms import ApiTokenForm
    from .models import ApiToken

    issued = None
    form = ApiTokenForm()
    if request.method == "POST" and "revoke" in request.POST:
        token = ApiToken.objects.filter(pk=request.POST.get("revoke"), user=request.user).first()
        if token is None:
            raise Http404
        actions.do_revoke_api_token(acting_user=request.user, token_id=token.pk)
        messages.success(request, _("The token has been revoked."))
        return redirect("accounts:api-tokens")
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, issued = actions.do_issue_api_token(
                acting_user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")[:50]
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "issued": issued})
