"""Helpers for tests of the story editor: open a story as a browser would, post it back."""

import datetime

from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.factories import StaffFactory


def editor(username, first_name="", last_name="", role="Editors"):
    return StaffFactory(username=username, first_name=first_name, last_name=last_name, role=role)


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


def form_values(form):
    """What a browser sends back for an admin form as drawn (unbound)."""
    data = {}
    for name in form.fields:
        if form.fields[name].disabled:
            continue
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"] = local.strftime("%Y-%m-%d")
            data[f"{name}_1"] = local.strftime("%H:%M:%S")
        elif isinstance(value, list):
            data[name] = ", ".join(getattr(item, "name", str(item)) for item in value)
        elif value is not None:
            data[name] = str(value)
    return data


def open_story(client, story):
    """GET the story's change page; the POST data of its form as drawn (no inline rows)."""
    response = client.get(change_url(story))
    assert response.status_code == 200
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update(response.context["editing"]["controls"])
    data["_save"] = "Save"
    return data


def stored(story):
    return Article.objects.get(pk=story.pk)
