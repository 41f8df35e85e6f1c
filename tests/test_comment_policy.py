"""The moderation policy: each rule, each default, and the event each decision writes."""

import pytest

from comments.models import Comment, ModerationEvent
from comments.policy import Signals, file_comment, policy, words_pattern
from tests.comment_helpers import BROWSER_UA, _fresh_cache  # noqa: F401
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

HUMAN = Signals(user_agent=BROWSER_UA)


def new_comment(article=None, **fields):
    fields.setdefault("name", "Ada")
    fields.setdefault("email", "ada@example.org")
    fields.setdefault("body", "A plain, civil comment.")
    return Comment(article=article or ArticleFactory(), **fields)


def test_premoderation_by_default():
    decision = policy.decide(new_comment(), HUMAN)
    assert (decision.status, decision.reason) == ("pending", "pre-moderation")


def test_premoderation_off_approves(settings):
    settings.COMMENTS_PREMODERATE = False
    assert policy.decide(new_comment(), HUMAN).status == "approved"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("One link https://example.org is fine.", "pending-premod"),
        ("Two: https://a.example and http://b.example", "held"),
        ("www.a.example and https://b.example", "held"),
    ],
)
def test_links_hold_at_two_by_default(settings, body, status):
    settings.COMMENTS_PREMODERATE = False
    decision = policy.decide(new_comment(body=body), HUMAN)
    if status == "held":
        assert decision.status == "pending"
        assert decision.reason == "held: 2 links"
    else:
        assert decision.status == "approved"


def test_link_limit_is_a_setting(settings):
    settings.COMMENTS_PREMODERATE = False
    settings.COMMENTS_HOLD_LINKS = 1
    assert policy.decide(new_comment(body="see https://a.example"), HUMAN).reason == (
        "held: 1 links"
    )


def test_moderation_word_holds_whole_words_case_insensitively(settings):
    settings.COMMENTS_PREMODERATE = False
    settings.COMMENTS_MODERATION_WORDS = ["lawsuit"]
    held = policy.decide(new_comment(body="There will be a LAWSUIT."), HUMAN)
    assert (held.status, held.reason) == ("pending", "held: moderation word 'LAWSUIT'")
    assert policy.decide(new_comment(body="lawsuits galore"), HUMAN).status == "approved"


def test_blocked_word_is_spam_whole_words_only(settings):
    settings.COMMENTS_BLOCKED_WORDS = ["viagra", "cheap pills"]
    spam = policy.decide(new_comment(body="Buy Viagra now"), HUMAN)
    assert (spam.status, spam.reason) == ("spam", "blocked word 'Viagra'")
    assert policy.decide(new_comment(name="CHEAP PILLS shop"), HUMAN).status == "spam"
    assert policy.decide(new_comment(body="viagrafalls is a town"), HUMAN).status == "pending"
    assert policy.decide(new_comment(body="the cheap pillsbury"), HUMAN).status == "pending"


def test_word_pattern_escapes_regex_characters():
    pattern = words_pattern(["c++", "a.b"])
    assert pattern.search("I like C++ a lot")
    assert not pattern.search("axb")


def test_honeypot_is_spam():
    decision = policy.decide(new_comment(), Signals(honeypot=True, user_agent=BROWSER_UA))
    assert (decision.status, decision.reason) == ("spam", "honeypot field filled")


@pytest.mark.parametrize("agent", ["", "curl/8.5.0", "python-requests/2.32"])
def test_bot_signals_are_spam(agent):
    assert policy.decide(new_comment(), Signals(user_agent=agent)).status == "spam"


def test_returning_commenter_is_approved():
    article = ArticleFactory()
    CommentFactory(article=article, email="ada@example.org")
    decision = policy.decide(new_comment(article, email="ADA@example.org"), HUMAN)
    assert (decision.status, decision.reason) == ("approved", "returning commenter (1 approved)")


@pytest.mark.parametrize("bad", [Comment.Status.SPAM, Comment.Status.REJECTED])
def test_returning_commenter_with_bad_history_waits(bad):
    article = ArticleFactory()
    CommentFactory(article=article, email="ada@example.org")
    CommentFactory(article=article, email="ada@example.org", status=bad)
    assert policy.decide(new_comment(article), HUMAN).status == "pending"


def test_returning_commenter_trust_can_be_turned_off(settings):
    settings.COMMENTS_TRUST_RETURNING = False
    article = ArticleFactory()
    CommentFactory(article=article, email="ada@example.org")
    assert policy.decide(new_comment(article), HUMAN).reason == "pre-moderation"


def test_holds_beat_trust_and_spam_beats_holds(settings):
    settings.COMMENTS_BLOCKED_WORDS = ["casino"]
    article = ArticleFactory()
    CommentFactory(article=article, email="ada@example.org")
    links = "https://a.example https://b.example"
    assert policy.decide(new_comment(article, body=links), HUMAN).reason == "held: 2 links"
    assert policy.decide(new_comment(article, body=f"casino {links}"), HUMAN).status == "spam"


def test_file_comment_saves_and_records_the_reason():
    comment = new_comment()
    decision = file_comment(comment, Signals(honeypot=True, user_agent=BROWSER_UA))
    assert decision.status == "spam"
    comment.refresh_from_db()
    assert comment.status == "spam"
    event = ModerationEvent.objects.get(comment=comment)
    assert (event.actor, event.from_status, event.to_status, event.note, event.by) == (
        None,
        "",
        "spam",
        "honeypot field filled",
        "policy",
    )
