from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from newsroom.twofactor.policy import ENROL, owed_step


class TwoFactorMiddleware:
    """Hold a session that still owes its second step (after OTPMiddleware).

    In the admin every page but login, logout and the steps themselves redirects to the step
    owed, with `next` kept. Outside the admin the request is served as a reader's: a password
    alone never shows a draft preview.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hasattr(request, "session"):
            user = request.user
            if request.path_info.startswith(reverse("admin:index")):
                step = owed_step(user, request.session)
                held = self.hold(request, step) if step else None
                if held is not None:
                    return held
            else:
                # Lazily, like request.user itself: a reader's request that never asks who
                # is signed in never reads the session (and still works while the database
                # is down, so the view can answer for itself).
                request.user = SimpleLazyObject(
                    lambda: AnonymousUser() if owed_step(user, request.session) else user
                )
        return self.get_response(request)

    def hold(self, request, step):
        path = request.path_info
        open_paths = {
            reverse("admin:login"),
            reverse("admin:logout"),
            reverse("twofactor:verify"),
            reverse("twofactor:setup"),
        }
        if path in open_paths:
            return None
        target = reverse("twofactor:setup" if step == ENROL else "twofactor:verify")
        response = redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        response["Cache-Control"] = "no-store"
        return response
