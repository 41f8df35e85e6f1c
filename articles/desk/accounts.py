"""A staff member's own pages in the desk: the language the desk speaks to them ("Language"),
the mail they want ("My notifications"), and the welcome page where an invited person
chooses their password (Django's password-reset tokens: the link works once, for
PASSWORD_RESET_TIMEOUT)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from articles.desk.workflow import can_publish
from articles.models import NotificationPreference
from newsroom import editions
from newsroom.models import StaffSettings


class StaffLanguageForm(forms.ModelForm):
    """The desk's language: each language named in itself (a person lost in a language they
    cannot read still finds their own), or the browser's."""

    language = forms.ChoiceField(label=_("Language of the desk"), required=False)

    class Meta:
        model = StaffSettings
        fields = ("language",)

    def __init__(self, *args, browser_language, **kwargs):
        super().__init__(*args, **kwargs)
        browser = translation.get_language_info(browser_language)["name_local"]
        self.fields["language"].choices = [
            ("", _("As my browser asks (now: %(language)s)") % {"language": browser}),
            *editions.staff_language_choices(),
        ]
        self.fields["language"].widget.attrs["aria-describedby"] = "id_language_helptext"


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ("on_submitted", "on_published", "on_sent_back")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish(user):
            del self.fields["on_submitted"]  # only editors are sent stories to review


@never_cache
@staff_member_required
def notifications(request):
    preference = NotificationPreference.of(request.user)
    form = NotificationPreferenceForm(request.POST or None, instance=preference, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings are saved."))
        return redirect("desk:notifications")
    context = {
        **admin.site.each_context(request),
        "title": _("My notifications"),
        "form": form,
        "email": request.user.email,
    }
    return TemplateResponse(request, "admin/desk/notifications.html", context)


@never_cache
@staff_member_required
def language(request):
    """Choose the language the desk speaks to you; the next page speaks it."""
    chosen = StaffSettings.objects.filter(user=request.user).first()
    form = StaffLanguageForm(
        request.POST or None,
        instance=chosen or StaffSettings(user=request.user),
        browser_language=editions.accepted_staff_language(request),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        request.session[editions.STAFF_LANGUAGE_SESSION_KEY] = saved.language
        # The message is read on the next page, in the language just chosen.
        speaks, _from_header = editions.staff_language(request)
        with translation.override(speaks):
            messages.success(request, translation.gettext("Your language is saved."))
        return redirect("desk:language")
    context = {
        **admin.site.each_context(request),
        "title": _("Language"),
        "form": form,
    }
    return TemplateResponse(request, "admin/desk/language.html", context)


class WelcomeView(auth_views.PasswordResetConfirmView):
    """The invitation's link: an invited person chooses a password, then signs in."""

    template_name = "admin/desk/welcome.html"
    success_url = reverse_lazy("desk:welcome_done")
    title = _("Choose your password")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not (user.is_active and user.is_staff):
            return None  # a deactivated account's old link leads nowhere
        return user

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class WelcomeDoneView(auth_views.PasswordResetCompleteView):
    template_name = "admin/desk/welcome_done.html"
    title = _("Your password is set")

    def get_context_data(self, **kwargs):
        context = {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}
        context["login_url"] = reverse_lazy("admin:login")
        return context
