"""The desk's staff page: chief editors invite people, put them in a newsroom group and
deactivate them, without being superusers. Every change goes through articles.desk.people,
which checks who asks and whom it concerns; this admin only shows what those rules allow.

The "Desks' editions" page beside it limits a group to some editions (an "Arabic desk"),
through articles.desk.editions.set_editions, which checks who asks.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import BaseUserManager, Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.desk import editions as desk_editions
from articles.desk import people, roles
from articles.models import DeskEditions, StaffMember
from newsroom import editions as site_editions

GROUPS_HELP = _(
    "Reporters write and submit stories; Editors also publish; Moderators work the comment queue."
)


class NewsroomGroupsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            queryset=people.newsroom_groups(),
            label=_("Newsroom groups"),
            help_text=GROUPS_HELP,
            error_messages={"required": _("Choose at least one group.")},
            **kwargs,
        )


class StaffFormMixin:
    def clean_email(self):
        email = BaseUserManager.normalize_email(self.cleaned_data["email"].strip())
        if people.email_taken(email, exclude=self.instance.pk):
            raise ValidationError(_("Someone on the staff already has this email address."))
        return email


class InviteForm(StaffFormMixin, forms.ModelForm):
    newsroom_groups = NewsroomGroupsField()

    class Meta:
        model = StaffMember
        fields = ("email", "first_name", "last_name")
        help_texts = {
            "email": _("The invitation, with a link to choose a password, goes to this address."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["first_name"].required = True  # colleagues see staff by name


class StaffMemberForm(StaffFormMixin, forms.ModelForm):
    newsroom_groups = NewsroomGroupsField()

    class Meta:
        model = StaffMember
        fields = ("first_name", "last_name", "email", "is_active")
        help_texts = {
            "is_active": _(
                "Untick to deactivate: they can no longer sign in, and nothing they wrote is "
                "deleted. Tick again to let them back in."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        if self.instance.pk:
            self.initial["newsroom_groups"] = [
                group.pk
                for group in self.instance.groups.all()
                if group.name in roles.NEWSROOM_GROUPS
            ]


class NewsroomGroupFilter(admin.SimpleListFilter):
    title = _("newsroom group")
    parameter_name = "group"

    def lookups(self, request, model_admin):
        return [(name, name) for name in roles.NEWSROOM_GROUPS]

    def queryset(self, request, queryset):
        if self.value() in roles.NEWSROOM_GROUPS:
            return queryset.filter(groups__name=self.value())
        return queryset


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ("username", "full_name", "email", "group_names", "standing", "last_login")
    list_filter = (NewsroomGroupFilter, "is_active")
    search_fields = ("username", "first_name", "last_name", "email")
    ordering = ("-is_active", "first_name", "last_name", "username")
    list_per_page = 50
    actions = ("deactivate_selected", "reactivate_selected", "resend_invitation_selected")
    readonly_fields = ("username", "standing", "last_login", "date_joined")

    # Who may do what: staff managers only; nobody deletes an account here.
    def has_module_permission(self, request):
        return people.can_manage_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return people.can_manage_staff(request.user)

    def has_add_permission(self, request):
        return people.can_manage_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return people.can_manage_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return people.managed_staff(super().get_queryset(request)).prefetch_related("groups")

    # The invitation (add) and the change form
    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = StaffMemberForm if obj is not None else InviteForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("email", "first_name", "last_name", "newsroom_groups")
        return (
            "username",
            "first_name",
            "last_name",
            "email",
            "newsroom_groups",
            "is_active",
            "standing",
            "last_login",
            "date_joined",
        )

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add:
            context["title"] = _("Invite a staff member")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        groups = form.cleaned_data["newsroom_groups"]
        if change:
            people.update(obj, groups=groups, by=request.user)
        else:
            people.invite(obj, groups=groups, by=request.user)

    def save_related(self, request, form, formsets, change):
        pass  # the groups were set by people.invite / people.update

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            _("%(name)s is invited: a link to choose a password is on its way to %(email)s.")
            % {"name": obj.get_full_name() or obj.get_username(), "email": obj.email},
            messages.SUCCESS,
        )
        if "_continue" in request.POST:
            return redirect("admin:articles_staffmember_change", obj.pk)
        if "_addanother" in request.POST:
            return redirect(request.path)
        return self.response_post_save_add(request, obj)

    # Columns
    @admin.display(description=_("name"), ordering="first_name")
    def full_name(self, obj):
        return obj.get_full_name() or "—"

    @admin.display(description=_("newsroom groups"))
    def group_names(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or "—"

    @admin.display(description=_("standing"))
    def standing(self, obj):
        if not obj.is_active:
            return _("Deactivated")
        if people.invitation_pending(obj):
            return _("Invited: no password chosen yet")
        return _("Active")

    # Actions
    def _run(self, request, queryset, change, log_message, done_message):
        done = 0
        for member in queryset:
            try:
                change(member, by=request.user)
            except (PermissionDenied, ValidationError) as error:
                reason = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{member}: {reason}", messages.WARNING)
            else:
                self.log_change(request, member, str(log_message))
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Deactivate selected staff (they can no longer sign in)"))
    def deactivate_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            people.deactivate,
            _("Deactivated."),
            lambda n: ngettext("%d account deactivated.", "%d accounts deactivated.", n) % n,
        )

    @admin.action(description=_("Activate selected staff again"))
    def reactivate_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            people.reactivate,
            _("Activated again."),
            lambda n: ngettext("%d account activated.", "%d accounts activated.", n) % n,
        )

    @admin.action(description=_("Send the invitation again"))
    def resend_invitation_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            people.resend_invitation,
            _("Invitation sent again."),
            lambda n: ngettext("%d invitation sent again.", "%d invitations sent again.", n) % n,
        )


# Desks limited to some editions (articles.desk.editions): chief editors set them here.
class DeskEditionsForm(forms.ModelForm):
    user = None  # set per request by DeskEditionsAdmin.get_form

    languages = forms.MultipleChoiceField(
        label=_("Editions"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The group's people see, change and publish only stories of these editions. "
            "Someone in another group without a limit still works on every edition."
        ),
        error_messages={"required": _("Choose at least one edition.")},
    )

    class Meta:
        model = DeskEditions
        fields = ("group", "languages")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = site_editions.choices()
        if "group" in self.fields:
            groups = Group.objects.exclude(name=roles.CHIEF_EDITORS).order_by("name")
            self.fields["group"].queryset = groups.filter(desk_editions__isnull=True)
            self.fields["group"].help_text = _("A group without a limit works on every edition.")

    def clean_group(self):
        group = self.cleaned_data["group"]
        if self.user is not None and not desk_editions.can_set_editions(self.user, group):
            raise ValidationError(
                _("This group has powers you do not have: a superuser sets its editions.")
            )
        return group

    def clean_languages(self):
        return desk_editions.clean_languages(self.cleaned_data["languages"])


@admin.register(DeskEditions)
class DeskEditionsAdmin(admin.ModelAdmin):
    form = DeskEditionsForm
    list_display = ("group", "edition_names")
    list_select_related = ("group",)
    ordering = ("group__name",)

    def has_module_permission(self, request):
        return desk_editions.can_set_editions(request.user)

    def has_view_permission(self, request, obj=None):
        return desk_editions.can_set_editions(request.user)

    def has_add_permission(self, request):
        return desk_editions.can_set_editions(request.user)

    def has_change_permission(self, request, obj=None):
        return desk_editions.can_set_editions(request.user, obj.group if obj else None)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return ("group",) if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        saved = desk_editions.set_editions(obj.group, obj.languages, by=request.user)
        obj.pk, obj.languages = saved.pk, saved.languages

    def delete_model(self, request, obj):
        desk_editions.set_editions(obj.group, [], by=request.user)

    def delete_queryset(self, request, queryset):
        for row in queryset.select_related("group"):
            self.delete_model(request, row)

    @admin.display(description=_("editions"))
    def edition_names(self, obj):
        names = dict(site_editions.choices())
        return ", ".join(names.get(code, code) for code in obj.languages)
