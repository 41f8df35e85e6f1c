"""Who needs a second factor, and which step a freshly logged-in session still owes."""

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.desk.people import MANAGE_STAFF_PERMISSION
from articles.desk.workflow import PUBLISH_PERMISSION
from comments.moderation import MODERATE_PERMISSION

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

# The session key holding the step a logged-in session still owes: VERIFY or ENROL.
SESSION_KEY = "twofactor_step"
VERIFY = "verify"
ENROL = "enrol"


def is_required(user):
    """Whether STAFF_2FA_REQUIRED applies to this user: superusers, publishers, moderators,
    and whoever manages staff (a chief editor invites people to the desk)."""
    return bool(
        settings.STAFF_2FA_REQUIRED
        and user.is_active
        and (
            user.is_superuser
            or user.has_perm(PUBLISH_PERMISSION)
            or user.has_perm(MODERATE_PERMISSION)
            or user.has_perm(MANAGE_STAFF_PERMISSION)
        )
    )


def has_device(user):
    """Whether the user has a confirmed device, in one query (asked on unverified requests)."""
    confirmed = {"user": user, "confirmed": True}
    return (
        TOTPDevice.objects.filter(**confirmed)
        .values("pk")
        .union(StaticDevice.objects.filter(**confirmed).values("pk"))
        .exists()
    )


def step_for(user):
    """The step a user owes after the password: a device is always asked for once enrolled."""
    if has_device(user):
        return VERIFY
    if is_required(user):
        return ENROL
    return None


def owed_step(user, session):
    """The step `user`'s session still owes, decided on each request and noted in the session.

    Not only at login: a session opened before STAFF_2FA_REQUIRED was on, or before its user
    was given publishing or moderation, owes the step from its next request on. A session
    verified with a device owes nothing.
    """
    step = None
    if user.is_authenticated and not user.is_verified():
        step = step_for(user)
    if step:
        if session.get(SESSION_KEY) != step:
            session[SESSION_KEY] = step
    elif SESSION_KEY in session:
        del session[SESSION_KEY]
    return step


def remember_step(sender, request, user, **kwargs):
    """On every login (user_logged_in), note in the session what is still owed."""
    if request is None or not hasattr(request, "session"):
        return
    step = step_for(user)
    if step:
        request.session[SESSION_KEY] = step
    else:
        request.session.pop(SESSION_KEY, None)


def complete(request, device):
    """The session gave a valid code: mark it verified and make it a full login."""
    otp_login(request, device)
    request.session.pop(SESSION_KEY, None)
    # The session's privileges changed: a new key, as Django does at login.
    request.session.cycle_key()


def new_app_device(user):
    """The user's unconfirmed authenticator, created once and kept until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_app_device(device):
    """The first code matched: the device counts from now on, and recovery codes are issued."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user):
    """Replace the user's recovery codes; the plain codes are returned once, to be shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def reset(user):
    """Forget every device of a user (a lost phone): their next login enrols afresh."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def device_for_token(user, token):
    """Six digits are asked of the authenticator app, anything else of the recovery codes."""
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    return model.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
