"""The two-factor steps, in the admin's look: verify a code, enrol an app, new recovery codes."""

from base64 import b32encode
from urllib.parse import urlencode

import qrcode
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import verify_token
from qrcode.image.svg import SvgPathFillImage

from newsroom.twofactor import policy
from newsroom.twofactor.forms import TokenForm

WRONG_CODE = "That code is not right. Check the time on your phone, or use a recovery code."
THROTTLED = "Too many wrong codes in a row: wait a little, then try again."


def _next_url(request):
    """Where to go once the step is done: `next` when it is ours, the admin index otherwise."""
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _render(request, template, title, **context):
    context = {
        **admin.site.each_context(request),
        "title": title,
        "next": _next_url(request),
        **context,
    }
    return TemplateResponse(request, f"admin/twofactor/{template}", context)


def _owed(request):
    return request.session.get(policy.SESSION_KEY)


@never_cache
@staff_member_required
def overview(request):
    """The user's own two-factor page: enrolled or not, and what they can do about it."""
    return _render(
        request,
        "overview.html",
        "Two-factor login",
        enrolled=policy.has_device(request.user),
        required=policy.is_required(request.user),
        recovery_left=policy.recovery_codes_left(request.user),
    )


@never_cache
@sensitive_post_parameters("token")
@staff_member_required
def verify(request):
    """The step after the password for a user with a device."""
    if _owed(request) != policy.VERIFY:
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if form.is_valid():
        token = form.cleaned_data["token"]
        device = policy.device_for_token(request.user, token)
        if device is not None and not device.verify_is_allowed()[0]:
            form.add_error("token", THROTTLED)
        elif device is not None and verify_token(request.user, device.persistent_id, token):
            policy.complete(request, device)
            return redirect(_next_url(request))
        else:
            form.add_error("token", WRONG_CODE)
    return _render(request, "verify.html", "Enter your code", form=form)


def _qr_svg(url):
    image = qrcode.make(url, image_factory=SvgPathFillImage, border=2)
    return image.to_string(encoding="unicode")


@never_cache
@sensitive_post_parameters("token")
@staff_member_required
def setup(request):
    """Enrol an authenticator app: scan (or type) the secret, confirm with a first code."""
    if _owed(request) == policy.VERIFY:
        # A password alone never adds a device to an account that has one.
        return redirect(f"{reverse('twofactor:verify')}?{urlencode({'next': _next_url(request)})}")
    if _owed(request) is None and policy.has_device(request.user):
        return redirect("twofactor:index")
    device = policy.new_app_device(request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if not device.verify_is_allowed()[0]:
            form.add_error("token", THROTTLED)
        elif device.verify_token(form.cleaned_data["token"]):
            codes = policy.confirm_app_device(device)
            policy.complete(request, device)
            return _render(request, "recovery_codes.html", "Your recovery codes", codes=codes)
        else:
            form.add_error("token", WRONG_CODE)
    secret = b32encode(device.bin_key).decode()
    return _render(
        request,
        "setup.html",
        "Set up two-factor login",
        form=form,
        qr_svg=_qr_svg(device.config_url),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        required=policy.is_required(request.user),
    )


@never_cache
@require_POST
@staff_member_required
def recovery_codes(request):
    """A fresh set of recovery codes, replacing the old ones (for a verified session only)."""
    if not request.user.is_verified():
        return redirect("twofactor:index")
    codes = policy.new_recovery_codes(request.user)
    return _render(request, "recovery_codes.html", "Your recovery codes", codes=codes)
