"""Sign in, activation and second factor: parse, authorize, call a service, render."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from learner.profiles import selectors as profile_selectors
from learner.profiles.models import LearnerProfile
from portal.accounts import services
from portal.accounts.decorators import role_required
from portal.accounts.forms import ActivationStartForm, LoginForm, SecretForm, TokenForm
from portal.accounts.models import Role, SecretKind, User
from portal.shell.language import remember_language

# A verified activation code waits this long for the person to choose a PIN.
_PENDING_ACTIVATION_TTL = timedelta(minutes=15)
_PENDING_KEY = "pending_activation"


def _start_session(request: HttpRequest, response: HttpResponse, user: User) -> HttpResponse:
    """Sessions of staff end sooner: they open other people's dossiers.

    The person's own language wins over the device's: on a shared phone, each member of the
    family gets their language back when they sign in.
    """
    if user.is_staff_role:
        request.session.set_expiry(settings.SESSION_HOURS_STAFF * 3600)
    else:
        request.session.set_expiry(settings.SESSION_DAYS_PERSONAL * 24 * 3600)
    return remember_language(response, user.preferred_language)


class PortalLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        return _start_session(self.request, response, form.get_user())


@method_decorator(never_cache, name="dispatch")
class PortalLogoutView(LogoutView):
    """Log out and wipe what this browser kept for the person (shared phones).

    ``Clear-Site-Data`` empties the service worker caches and browser storage (IndexedDB, local
    storage); the page's logout guard has already warned about anything not yet sent.
    """

    template_name = "accounts/logged_out.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@never_cache
def activate_start(request: HttpRequest) -> HttpResponse:
    """Step 1 of activation: the dossier number and the code from the letter."""
    form = ActivationStartForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session[_PENDING_KEY] = {
            "code_id": form.activation_code_id,
            "until": (timezone.now() + _PENDING_ACTIVATION_TTL).isoformat(),
        }
        return redirect("accounts:activate_secret")
    return render(request, "accounts/activate_start.html", {"form": form})


@never_cache
def activate_secret(request: HttpRequest) -> HttpResponse:
    """Step 2 of activation: choose a PIN or password, then you are signed in."""
    pending = request.session.get(_PENDING_KEY)
    if not pending or datetime.fromisoformat(pending["until"]) < timezone.now():
        request.session.pop(_PENDING_KEY, None)
        messages.info(request, _("Start again with the code from your letter."))
        return redirect("accounts:activate")
    form = SecretForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_activate(
                activation_code_id=pending["code_id"],
                kind=SecretKind(form.cleaned_data["kind"]),
                secret=form.cleaned_data["secret"],
            )
        except ValidationError as exc:
            form.add_error("secret", exc)
        else:
            del request.session[_PENDING_KEY]
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return _start_session(request, redirect(settings.LOGIN_REDIRECT_URL), user)
    return render(request, "accounts/activate_secret.html", {"form": form})


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache  # the enrolment page shows a secret: never kept by a cache or the service worker
@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Staff: enrol an authenticator app on first sign-in, then type its code every time."""
    user: User = request.user  # type: ignore[assignment]
    if not user.is_staff_role or user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(_safe_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if device is None:
        device = services.totp_device_for_enrolment(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes. Wait a minute and try again."))
        elif device.verify_token(form.cleaned_data["token"].strip()):
            if enrolling:
                services.totp_device_confirm(user=user, device=device)
            otp_login(request, device)
            return HttpResponseRedirect(_safe_next(request))
        else:
            form.add_error("token", _("This code is not right. Type the newest code."))
    context: dict[str, Any] = {
        "form": form,
        "enrolling": enrolling,
        "next": request.GET.get("next", ""),
    }
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4)
        context["manual_key"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/second_factor.html", context)


@never_cache
@require_POST
@role_required(Role.CASE_MANAGER, Role.AGENCY_ADMIN)
def activation_letter(request: HttpRequest, dossier_number: str) -> HttpResponse:
    """Issue a new activation code and show the printable letter (the code is shown only here)."""
    try:
        profile = profile_selectors.learner_for(user=request.user, dossier_number=dossier_number)  # type: ignore[arg-type]
    except LearnerProfile.DoesNotExist as exc:
        raise Http404 from exc
    issued = services.activation_code_issue(issued_by=request.user, user=profile.user)  # type: ignore[arg-type]
    activate_url = request.build_absolute_uri(reverse("accounts:activate"))
    # The code travels in the fragment: browsers never send it to a server or write it to logs.
    qr_target = f"{activate_url}#d={profile.dossier_number}&c={issued.code}"
    return render(
        request,
        "accounts/activation_letter.html",
        {
            "profile": profile,
            "issued": issued,
            "activate_url": activate_url,
            "qr_svg": segno.make(qr_target, error="m").svg_inline(scale=5),
            "letter_languages": list(dict.fromkeys([profile.user.preferred_language, "nl"])),
        },
    )
