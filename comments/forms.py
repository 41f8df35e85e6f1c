import hashlib
import time
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.core import signing
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comments.conf import setting
from comments.models import Comment
from newsroom import l10n

TOKEN_SALT = "comments.form.token"  # noqa: S105 (a signing salt, not a secret)
HONEYPOT = "phone_number"
# What a refused or unreadable post gives back to the reader in a new form ("remember", a
# checkbox, is read apart).
KEPT_FIELDS = ("name", "email", "website", "body", "parent", "submission")

# The form's clock, in epoch seconds. Tests replace it (tests/comment_helpers.py `clock`) so the
# "too fast" and "too old" checks never depend on how fast the machine runs.
clock = time.time


def new_submission_id():
    """The one-time id of a comment form, minted each time the form is drawn."""
    return uuid.uuid4().hex


def make_token(article, now=None):
    """A signed 'story:time' stamp: the form must come back neither too soon nor too late."""
    return make_token_for(article.pk, now)


def make_token_for(article_pk, now=None):
    """make_token() from the story's id: the page cache refreshes a kept form's with it."""
    stamp = int(now if now is not None else clock())
    return signing.Signer(salt=TOKEN_SALT).sign(f"{article_pk}:{stamp}")


class HttpURLField(forms.URLField):
    """A web address, http or https only (one validator, so one error message)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class CommentForm(forms.ModelForm):
    website = HttpURLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address starting with http:// or https://.")},
    )
    remember = forms.BooleanField(
        label=_("Save my name and email in this browser for the next time I comment"),
        required=False,
    )
    phone_number = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Not required: a page cached before the field existed may still be sent.
    submission = forms.RegexField(
        regex=r"^[0-9a-f]{32}\Z", widget=forms.HiddenInput, required=False
    )

    class Meta:
        model = Comment
        fields = ["name", "email", "website", "body"]
        labels = {"name": _("Name"), "email": _("Email"), "body": _("Comment")}
        help_texts = {"email": ""}  # the form's notice says it: never published
        # Ours, not Django's: Django's Urdu catalogue lacks it.
        error_messages = {"email": {"invalid": _("Enter a valid email address.")}}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            # Addresses read left to right on a right-to-left page too.
            "email": forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, article, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)
        # The model's own clean() (a reply on the same story, not too deep) runs on this path.
        self.instance.article = article
        max_length = setting("MAX_LENGTH")
        self.fields["body"].widget.attrs["maxlength"] = str(max_length)
        self.fields["website"].widget.attrs.update({"autocomplete": "url", "dir": "ltr"})
        if not self.is_bound:
            self.initial["token"] = make_token(article)
            self.initial["submission"] = self.initial.get("submission") or new_submission_id()
        self.helper = FormHelper()
        self.helper.form_id = "comment-form"
        # Story pages are shared by caches: the view checks the Origin header instead.
        self.helper.disable_csrf = True
        self.helper.form_action = reverse("comments:post", kwargs={"article_id": article.pk})
        self.helper.layout = Layout(
            Field("name"),
            Field("email"),
            Field("website"),
            Field("body"),
            Field("remember"),
            Div(HONEYPOT, css_class="visually-hidden", aria_hidden="true"),
            Field("token"),
            Field("parent"),
            Field("submission"),
            Submit("submit", _("Post comment")),
        )

    @property
    def honeypot_filled(self):
        return bool(self.data.get(HONEYPOT, "").strip()) if self.is_bound else False

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please tell us your name."))
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        max_length = setting("MAX_LENGTH")
        if not body:
            raise forms.ValidationError(_("Please write a comment."))
        if len(body) > max_length:
            raise forms.ValidationError(
                _("Comments can be %(max)s characters at most; yours has %(n)s.")
                % {"max": l10n.number(max_length), "n": l10n.number(len(body))}
            )
        return body

    def clean_token(self):
        try:
            value = signing.Signer(salt=TOKEN_SALT).unsign(self.cleaned_data["token"])
            article_pk, stamp = value.split(":")
            article_pk, stamp = int(article_pk), int(stamp)
        except (signing.BadSignature, ValueError):
            raise forms.ValidationError(
                _("This form could not be checked. Please send your comment again.")
            ) from None
        if article_pk != self.article.pk:
            raise forms.ValidationError(_("This form belongs to another story."))
        age = clock() - stamp
        if age < setting("MIN_SECONDS"):
            raise forms.ValidationError(
                _(
                    "That was faster than anyone can type. Please check your comment and send it again."
                )
            )
        if age > setting("MAX_AGE_SECONDS"):
            raise forms.ValidationError(
                _("This form was opened more than two hours ago. Please send your comment again.")
            )
        return self.cleaned_data["token"]

    def clean_parent(self):
        pk = self.cleaned_data.get("parent")
        if not pk:
            return None
        parent = Comment.objects.visible().filter(pk=pk, article=self.article).first()
        if parent is None:
            raise forms.ValidationError(_("The comment you are replying to is not on this story."))
        self.instance.parent = parent  # how deep it may go is Comment.clean()'s rule
        return parent

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        same_text = Comment.objects.filter(
            article=self.article, email=cleaned["email"], body=cleaned["body"]
        )
        if self.submission_key():  # this very form sent again is not a duplicate: see the view
            same_text = same_text.exclude(submission_key=self.submission_key())
        if setting("DUPLICATE_CHECK") and same_text.exists():
            self.add_error("body", _("You have already posted this comment on this story."))
        return cleaned

    def hidden_field_errors(self):
        """Errors of the hidden fields, which crispy-forms does not show: drawn above the form."""
        errors = []
        for name in ("token", "parent", "submission"):
            errors.extend(self.errors.get(name, []))
        return errors

    def submission_key(self):
        """What makes two posts one: the story, the form's one-time id, the email and the text.

        The id alone is not enough: story pages are served from shared caches, so many
        readers get the same form, id and all. Two readers never share an email and a text,
        and a reader who writes a second comment in the same form changes the text; only the
        same form sent twice (a double click, a retry, two servers taking one post) makes the
        same key. None for a form without the id (a page cached before it existed).
        """
        submission = self.cleaned_data.get("submission")
        if not submission:
            return None
        parts = (
            str(self.article.pk),
            submission,
            self.cleaned_data["email"],
            self.cleaned_data["body"],
        )
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def build_comment(self, request_meta):
        data = self.cleaned_data
        return Comment(
            article=self.article,
            parent=data.get("parent"),
            name=data["name"],
            email=data["email"],
            website=data.get("website", ""),
            body=data["body"],
            remember=bool(data.get("remember")),
            submission_key=self.submission_key(),
            **request_meta,
        )
