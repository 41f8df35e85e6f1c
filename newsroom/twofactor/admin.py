"""Superusers reset a lost device from the user list (django-otp's own device admins also list them)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model

from newsroom.twofactor import policy

User = get_user_model()
RegisteredUserAdmin = type(admin.site._registry[User])


class UserAdmin(RegisteredUserAdmin):
    actions = [*(RegisteredUserAdmin.actions or []), "reset_two_factor"]

    @admin.action(
        description="Reset two-factor login (lost phone): they set it up again at next login",
        permissions=["reset_two_factor"],
    )
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            policy.reset(user)
            # The user's open sessions held that device: they owe the step again (middleware).
            self.log_change(request, user, "Reset two-factor login.")
        self.message_user(
            request,
            f"Two-factor login reset for {len(queryset)} user(s). Their recovery codes no "
            "longer work; they enrol again at their next login.",
            messages.SUCCESS,
        )

    def has_reset_two_factor_permission(self, request):
        return request.user.is_superuser


admin.site.unregister(User)
admin.site.register(User, UserAdmin)
