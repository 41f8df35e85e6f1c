"""Who else is here: the soft lock on an open story, its heartbeat and takeover."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.desk import presence, roles
from articles.desk.models import EditLock
from articles.models import Article
from tests.desk_helpers import change_url, editor, open_story, stored
from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return editor("anna", "Anna", "Berg")


@pytest.fixture
def ben():
    return editor("ben", "Ben", "Okafor")


@pytest.fixture
def story():
    return ArticleFactory(headline="Ferry timetable changes for winter")


def url(name, story):
    return reverse(f"admin:articles_article_{name}", args=[story.pk])


def test_opening_a_story_claims_it_and_others_see_who_since_when(client, story, anna, ben):
    client.force_login(anna)
    assert client.get(change_url(story)).status_code == 200
    lock = EditLock.objects.get(article=story)
    assert lock.user == anna

    client.force_login(ben)
    response = client.get(change_url(story))
    html = response.content.decode()
    since = timezone.localtime(lock.since).strftime("%H:%M")
    assert f"Being edited by Anna Berg since {since}." in html
    assert 'class="desk-take-over"' in html
    assert 'name="_save"' in html  # never blocks: Ben can still save
    assert EditLock.objects.get(article=story).user == anna


def test_reopening_keeps_the_time_it_was_first_opened(client, story, anna):
    client.force_login(anna)
    client.get(change_url(story))
    first = EditLock.objects.get(article=story).since
    client.get(change_url(story))
    assert EditLock.objects.get(article=story).since == first


def test_a_lock_not_seen_for_a_while_expires(client, story, anna, ben, settings):
    client.force_login(anna)
    client.get(change_url(story))
    long_ago = timezone.now() - timedelta(seconds=settings.DESK_LOCK_SECONDS + 1)
    EditLock.objects.filter(article=story).update(seen_at=long_ago, since=long_ago)
    client.force_login(ben)
    response = client.get(change_url(story))
    assert response.context["editing"]["presence"].mine
    assert "Being edited by" not in response.content.decode()
    lock = EditLock.objects.get(article=story)
    assert lock.user == ben and lock.since > long_ago


def test_take_over_and_the_other_editor_hears_it_on_the_next_heartbeat(client, story, anna, ben):
    client.force_login(anna)
    client.get(change_url(story))
    client.force_login(ben)
    response = client.post(url("take_over", story))
    assert response.status_code == 302 and response.url == change_url(story)
    assert EditLock.objects.get(article=story).user == ben

    client.force_login(anna)
    answer = client.post(url("presence", story)).json()
    assert answer["mine"] is False
    assert answer["holder"] == "Ben Okafor"
    assert "Ben Okafor took this story over at" in answer["message"]
    assert EditLock.objects.get(article=story).user == ben  # the heartbeat does not take it back


def test_take_over_answers_json_for_the_script(client, story, anna, ben):
    client.force_login(anna)
    client.get(change_url(story))
    client.force_login(ben)
    answer = client.post(url("take_over", story), HTTP_ACCEPT="application/json").json()
    assert answer == {"mine": True, "holder": "Ben Okafor", "since": "", "message": ""}


def test_heartbeat_keeps_the_lock_fresh(client, story, anna):
    client.force_login(anna)
    client.get(change_url(story))
    earlier = timezone.now() - timedelta(seconds=30)
    EditLock.objects.filter(article=story).update(seen_at=earlier)
    assert client.post(url("presence", story)).json()["mine"] is True
    assert EditLock.objects.get(article=story).seen_at > earlier


def test_saving_a_story_someone_took_over_says_so(client, story, anna, ben):
    client.force_login(anna)
    data = open_story(client, story)
    client.force_login(ben)
    client.post(url("take_over", story))
    client.force_login(anna)
    data["standfirst"] = "Anna's standfirst"
    response = client.post(change_url(story), data, follow=True)
    assert stored(story).standfirst == "Anna's standfirst"  # the save is not blocked
    assert "Ben Okafor took this story over at" in response.content.decode()


def test_saving_and_leaving_frees_the_lock_saving_and_continuing_keeps_it(client, story, anna):
    client.force_login(anna)
    data = open_story(client, story)
    client.post(change_url(story), {**data, "_continue": "1"})
    assert EditLock.objects.get(article=story).user == anna
    data = open_story(client, story)
    client.post(change_url(story), data)  # "Save": back to the list
    assert not EditLock.objects.filter(article=story).exists()


def test_release_frees_only_ones_own_lock(client, story, anna, ben):
    client.force_login(anna)
    client.get(change_url(story))
    client.force_login(ben)
    assert client.post(url("release", story)).status_code == 204
    assert EditLock.objects.get(article=story).user == anna
    client.force_login(anna)
    client.post(url("release", story))
    assert not EditLock.objects.filter(article=story).exists()


def test_readers_of_the_desk_do_not_claim_and_cannot_take_over(client, story, anna):
    moderator = StaffFactory(username="mo", role=roles.MODERATORS)
    client.force_login(anna)
    client.get(change_url(story))
    client.force_login(moderator)
    html = client.get(change_url(story)).content.decode()
    assert "Being edited by Anna Berg since" in html
    assert 'class="desk-take-over"' not in html
    assert EditLock.objects.get(article=story).user == anna
    for name in ("presence", "take_over", "release"):
        assert client.post(url(name, story)).status_code == 403
    assert EditLock.objects.get(article=story).user == anna


def test_reporters_may_not_take_over_a_story_they_cannot_edit(client, story, anna):
    reporter = StaffFactory(username="rita", role=roles.REPORTERS)
    client.force_login(reporter)
    assert client.post(url("take_over", story)).status_code == 403  # a published story
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=anna)
    assert client.post(url("take_over", draft)).status_code == 404  # not even visible


def test_endpoints_refuse_get_and_anonymous_visitors(client, story, anna):
    client.force_login(anna)
    for name in ("presence", "take_over", "release"):
        assert client.get(url(name, story)).status_code == 405
    client.logout()
    for name in ("presence", "take_over", "release"):
        response = client.post(url(name, story))
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_claim_is_one_query_when_the_lock_is_already_ours(story, anna, django_assert_num_queries):
    presence.claim(story, anna)
    with django_assert_num_queries(1):
        assert presence.claim(story, anna).mine


def test_the_editor_settings_have_defaults_and_refuse_a_heartbeat_slower_than_the_lock():
    from tests import fresh

    code = (
        "import newsroom.settings as s; "
        "print(s.DESK_AUTOSAVE_SECONDS, s.DESK_HEARTBEAT_SECONDS, s.DESK_LOCK_SECONDS)"
    )
    result = fresh.run(code, {"DEBUG": "true"})
    assert result.stdout.split() == ["30", "60", "300"], result.stderr
    for variables in ({"DESK_HEARTBEAT_SECONDS": "600"}, {"DESK_AUTOSAVE_SECONDS": "0"}):
        result = fresh.run(code, {"DEBUG": "true", **variables})
        assert result.returncode != 0
        assert "ImproperlyConfigured: DESK_AUTOSAVE_SECONDS must be at least 1" in result.stderr
