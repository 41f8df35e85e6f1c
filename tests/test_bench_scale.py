"""`make bench-scale` (scripts/bench_scale.py, scripts/bench_scale_seed.py): the fill stores
what the models would, and the report marks the pages that grew."""

import sys
from pathlib import Path

import pytest
from django.db.models import F

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

import bench_scale  # noqa: E402


def test_percentile_is_the_nearest_rank():
    samples = list(range(1, 41))  # 40 requests
    assert bench_scale.percentile(samples, 0.5) == 20
    assert bench_scale.percentile(samples, 0.95) == 38
    assert bench_scale.percentile([7], 0.95) == 7


def test_table_marks_pages_whose_p95_grew_past_the_limit():
    small = ({"stories": 1000}, {"home": (10.0, 20.0), "tag": (10.0, 20.0)})
    large = ({"stories": 100_000}, {"home": (11.0, 29.0), "tag": (30.0, 31.0)})
    lines = bench_scale.table(small, large).splitlines()
    home = next(line for line in lines if line.startswith("home"))
    tag = next(line for line in lines if line.startswith("tag"))
    assert "1.45x" in home and "over" not in home
    assert "1.55x" in tag and "over" in tag
    assert lines[-1] == "1 page(s) over 1.5x"


def test_options_scale_the_comments_with_the_stories():
    args = bench_scale.parse_args(["--stories", "5000", "--small-stories", "50"])
    assert (args.stories, args.comments) == (5000, 50_000)
    assert (args.small_stories, args.small_comments) == (50, 500)
    assert bench_scale.parse_args(["--comments", "7"]).comments == 7


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_fill_stores_what_the_models_would(client, settings, tmp_path):
    """A small paper through the same COPY path as 100,000 stories, read back by the site."""
    import bench_scale_seed

    from articles.models import Article
    from comments.models import Comment, ModerationEvent
    from tests.factories import ArticleFactory, CommentFactory

    settings.MEDIA_ROOT = tmp_path / "media"
    paper = bench_scale_seed.Paper(stories=60, comments=500, big_story_comments=120)
    facts = paper.fill()  # checks a sample against Article.save() itself (check_derived)
    assert facts["stories"] == Article.objects.count() == 60
    assert facts["comments"] == Comment.objects.count() == 500
    assert facts["story_comments"] >= 100

    # Every comment's moderation record; replies on their parent's story, one level deeper.
    assert ModerationEvent.objects.filter(from_status="").count() == 500
    replies = Comment.objects.exclude(parent=None)
    assert replies.exists()
    assert not replies.exclude(article=F("parent__article")).exists()
    assert not replies.exclude(depth=F("parent__depth") + 1).exists()
    assert not Comment.objects.filter(depth__gt=3).exists()

    # The site reads it: the rare word's stories, the big story's first and last comment pages.
    page = client.get("/search/", {"q": facts["rare_word"]})
    assert len(page.context["articles"]) == bench_scale_seed.RARE_WORD_STORIES
    for query in ("", f"?comments_page={facts['story_last_comment_page']}"):
        assert client.get(facts["story_url"] + query).status_code == 200
    assert (
        client.get(f"{facts['section_url']}?page={facts['section_last_page']}").status_code == 200
    )
    assert client.get(f"/tag/{facts['tag_slug']}/").status_code == 200

    # The sequences follow the copied ids: the desk can add to the paper.
    CommentFactory(article=ArticleFactory())
