"""Fill the bench-scale database with a paper of any size, fast; print what to measure (JSON).

Run by scripts/bench_scale.py in a subprocess with DATABASE_URL pointing at a throwaway,
freshly migrated PostgreSQL database: `bench_scale_seed.py STORIES COMMENTS`.

Rows go in with COPY (psycopg's cursor.copy), with the foreign-key triggers off for the
session (the rows are consistent by construction) and the table's plain indexes dropped
while it fills and built again after, as a bulk load into PostgreSQL is done. What the models
derive at save time is derived here the same way: `word_count` and `reading_time` with
articles.sanitize, `first_published_at` and `pub_date` as Article._stamp_publication does, and
`search_vector` in SQL from articles.models.search_vector("en") itself (compiled by Django), so a
search reads exactly what a saved story would hold.

The paper publishes at a steady rate (STORIES_PER_DAY), so a smaller paper is a shorter
archive, not a sparser one: home, feeds, the news sitemap and the first page of every listing
show the same kind of content at 1,000 stories as at 100,000; only the archive behind them grows.
"""

import contextlib
import datetime
import itertools
import json
import math
import os
import random
import sys
import time
import uuid
from zoneinfo import ZoneInfo

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.db.models.sql import Query  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from articles.models import (  # noqa: E402
    Article,
    ArticleAuthor,
    Author,
    Correction,
    RelatedLink,
    Section,
    Tag,
    TaggedStory,
    search_vector,
)
from articles.sanitize import reading_minutes, sanitize_html, word_count  # noqa: E402
from comments.models import Comment, ModerationEvent  # noqa: E402

STORIES_PER_DAY = 60
BIG_STORY_COMMENTS = 2000
BIG_STORY_INDEX = 10  # the 11th newest story: published about four hours ago, comments open
SECTIONS = 20
RARE_WORD = "zanzibar"  # in exactly RARE_WORD_STORIES stories, at any size
RARE_WORD_STORIES = 5
COMMON_WORD = "council"  # in nearly every story
PASSWORD = "bench-scale-password"  # noqa: S105 - a throwaway database's throwaway superuser

SECTION_NAMES = [
    "News", "Politics", "Business", "Sport", "Culture", "World", "Science", "Health",
    "Education", "Environment", "Technology", "Travel", "Food", "Opinion", "Money",
    "Property", "Transport", "Crime", "Weather", "Obituaries",
]  # fmt: skip
SUBJECTS = [
    "The council", "Residents", "The mayor", "Campaigners", "Ministers", "The school board",
    "Local traders", "Health officials", "The police", "Union leaders", "The developer",
    "Councillors", "The regulator", "Parents", "Scientists", "The club", "Farmers", "Doctors",
]  # fmt: skip
VERBS = [
    "approved", "rejected", "delayed", "questioned", "welcomed", "criticised", "defended",
    "announced", "reviewed", "postponed", "funded", "challenged", "backed", "scrapped",
]  # fmt: skip
OBJECTS = [
    "the housing plan", "a new bus route", "the budget", "plans for the riverside",
    "the school merger", "a rise in parking fees", "the stadium bid", "a cycle lane",
    "the hospital expansion", "a ban on night flights", "the library closures",
    "a new water treatment works", "the market redevelopment", "rent controls",
]  # fmt: skip
WHEN = [
    "on Tuesday", "late on Monday", "this week", "after a long debate", "at a packed meeting",
    "despite protests", "without a vote", "for the second time", "after months of delay",
]  # fmt: skip
SENTENCES = [
    "{subject} {verb} {object} {when}.",
    "{subject} said the decision on {object} would be reviewed by the council next month.",
    "Critics say {object} will cost more than {number} million pounds over ten years.",
    "{name}, who has lived in {place} for {number} years, said the change was overdue.",
    "The figures, published {when}, show a rise of {number} per cent since last year.",
    "A spokesperson for {place} council said officers were studying the responses.",
    "{subject} in {place} {verb} the proposal, which affects about {number},000 homes.",
    "Opponents gathered outside the town hall in {place} {when}.",
    "The report names {name} as the official responsible for {object}.",
    "Questions remain over how {object} will be paid for.",
]  # fmt: skip
COMMENT_TEXTS = [
    "I was at the meeting. The riverside needs homes, but the plan says little about schools.",
    "Another decision taken without asking the people who live here.",
    "Good news at last. It has taken far too long.",
    "Does anyone know when the consultation closes?",
    "The figures in paragraph four do not add up: where does the money come from?",
    "My street has waited ten years for this. About time.",
    "Thanks for reporting this; nobody else covered it.",
    "This will only push prices up further.",
]  # fmt: skip


class Progress:
    """A one-line progress bar on stderr: label, bar, done/total, elapsed seconds."""

    def __init__(self, label, total):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.started = self.shown = time.monotonic()
        self.draw()

    def add(self, n=1):
        self.done += n
        now = time.monotonic()
        if now - self.shown >= 0.5:
            self.shown = now
            self.draw()

    def draw(self):
        share = min(self.done / self.total, 1)
        bar = "#" * int(share * 30)
        sys.stderr.write(
            f"\r  {self.label:<22} [{bar:<30}] {share:4.0%} "
            f"{self.done:>10,}/{self.total:,} {time.monotonic() - self.started:6.1f}s"
        )
        sys.stderr.flush()

    def close(self):
        self.total = self.done = max(self.done, 1)
        self.draw()
        sys.stderr.write("\n")


def zipf_weights(n, s):
    """Cumulative weights of ranks 1..n with P(k) ~ 1/k**s, for random.choices."""
    return list(itertools.accumulate(1 / (k**s) for k in range(1, n + 1)))


def pseudo_words(rng, n):
    """Made-up proper names (places, people) for the long tail of the vocabulary."""
    starts = ["mar", "tel", "bro", "kin", "ash", "dun", "wex", "hal", "cor", "pen", "ros", "fen"]
    middles = ["a", "e", "i", "o", "u", "ar", "el", "on", "is", "ul"]
    ends = ["by", "ton", "ford", "well", "ham", "ley", "mouth", "wick", "den", "stead", "more"]
    words = {f"{a}{b}{c}" for a in starts for b in middles for c in ends}
    return rng.sample(sorted(words), min(n, len(words)))


class Text:
    """Story text from a pool of paragraphs: varied, searchable, cheap to make in bulk."""

    def __init__(self, rng, paragraphs=3000):
        self.rng = rng
        self.names = [w.capitalize() for w in pseudo_words(rng, 4000)]
        name_weights = zipf_weights(len(self.names), 0.9)
        self.paragraphs = []
        for _ in range(paragraphs):
            sentences = [self.sentence(name_weights) for _ in range(rng.randint(3, 5))]
            self.paragraphs.append(f"<p>{' '.join(sentences)}</p>")
        self.words = [word_count(p) for p in self.paragraphs]

    def sentence(self, name_weights):
        rng = self.rng
        place, name = rng.choices(self.names, cum_weights=name_weights, k=2)
        return rng.choice(SENTENCES).format(
            subject=rng.choice(SUBJECTS),
            verb=rng.choice(VERBS),
            object=rng.choice(OBJECTS),
            when=rng.choice(WHEN),
            number=rng.randint(2, 90),
            name=f"{rng.choice(['Ann', 'Omar', 'Li', 'Sara', 'Tom', 'Ines'])} {name}",
            place=place,
        )

    def story(self, extra=""):
        """(headline, standfirst, body, word count) of one story."""
        rng = self.rng
        picks = rng.sample(range(len(self.paragraphs)), rng.randint(4, 10))
        place = rng.choice(self.names)
        headline = f"{place}: {rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
        standfirst = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}."
        parts = [self.paragraphs[i] for i in picks]
        words = sum(self.words[i] for i in picks)
        if extra:
            parts.append(f"<p>{extra}</p>")
            words += word_count(extra)
        # One line per paragraph: strip_tags keeps the words of two paragraphs apart, so the
        # count of the whole is the sum of the parts (checked in check_derived()).
        return headline, standfirst, "\n".join(parts), words


def raw_connection():
    connection.ensure_connection()
    return connection.connection


def plain_indexes(table):
    """(name, definition) of the table's indexes that no constraint owns."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        return cursor.fetchall()


class Loader:
    """COPY rows of a model, filling every column the rows leave out with its default."""

    def __init__(self, model, exclude=()):
        self.model = model
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields if f.attname not in exclude]
        self.defaults = {}
        for field in self.fields:
            if field.has_default() or not field.null:
                default = field.get_default()
                self.defaults[field.attname] = field.get_db_prep_save(default, connection)
            else:
                self.defaults[field.attname] = None

    def columns(self):
        return ", ".join(connection.ops.quote_name(f.column) for f in self.fields)

    def copy(self, rows, total, label, table=None):
        """COPY dicts of attname -> value into the table (or `table`), with a progress bar."""
        progress = Progress(label, total)
        names = [f.attname for f in self.fields]
        defaults = self.defaults
        statement = f"COPY {table or self.table} ({self.columns()}) FROM STDIN"
        with raw_connection().cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[n] if n in row else defaults[n] for n in names])
                progress.add()
        progress.close()


@contextlib.contextmanager
def without_plain_indexes(table, label):
    """The table's plain indexes dropped while it fills, built again after (whatever happens)."""
    indexes = plain_indexes(table)
    with connection.cursor() as cursor:
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        progress = Progress(f"{label} indexes", len(indexes))
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _name, definition in indexes:
                cursor.execute(definition)
                progress.add()
        progress.close()


def set_sequences(*models_):
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608 - a model's table
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))",
                [table],
            )


def search_vector_sql():
    """The (English) search vector as SQL over the columns of "articles_article", as
    Article.save() writes it for the English stories the bench makes."""
    query = Query(Article)
    compiler = query.get_compiler(connection=connection)
    return compiler.compile(search_vector("en").resolve_expression(query))


class Paper:
    def __init__(self, stories, comments, seed=10, big_story_comments=BIG_STORY_COMMENTS):
        self.n_stories = stories
        self.n_comments = comments
        self.big_story_comments = big_story_comments
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.facts = {}

    # Small tables, through the ORM
    def people_and_places(self):
        self.sections = Section.objects.bulk_create(
            Section(name=name, slug=slugify(name), order=i)
            for i, name in enumerate(SECTION_NAMES[:SECTIONS])
        )
        n_authors = max(20, self.n_stories // 500)
        self.authors = Author.objects.bulk_create(
            Author(name=f"Reporter {i}", slug=f"reporter-{i}", bio="Covers the city.")
            for i in range(n_authors)
        )
        self.editor = get_user_model().objects.create_superuser(
            "bench", "bench@example.org", PASSWORD
        )
        n_tags = max(50, self.n_stories // 50)
        # In the default edition's language, as the stories are (their column's default).
        self.tags = Tag.objects.bulk_create(
            Tag(name=f"topic {i}", slug=f"topic-{i}") for i in range(n_tags)
        )
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from bench_seed import picture

        self.image = picture()

    # Stories
    def story_rows(self):
        rng, now = self.rng, self.now
        text = Text(rng)
        interval = datetime.timedelta(days=1) / STORIES_PER_DAY
        section_weights = zipf_weights(len(self.sections), 0.8)
        rare = set(rng.sample(range(BIG_STORY_INDEX + 1, self.n_stories), RARE_WORD_STORIES))
        sanitised = text.story()[2]
        assert sanitize_html(sanitised) == sanitised, "the paragraph pool must be clean HTML"
        self.published = []  # (id, publish_at) of stories readers see, newest first
        for i in range(self.n_stories):
            story_id = i + 1
            extra = (
                f"Visitors from {RARE_WORD.capitalize()} joined the crowd." if i in rare else ""
            )
            headline, standfirst, body, words = text.story(extra)
            publish_at = now - interval * i - datetime.timedelta(minutes=rng.randint(20, 40))
            roll = rng.random() if i > BIG_STORY_INDEX else 1.0
            status = Article.Status.PUBLISHED
            if roll < 0.02:
                status, publish_at = Article.Status.DRAFT, None
            elif roll < 0.03:
                status, publish_at = Article.Status.IN_REVIEW, None
            elif roll < 0.035:
                status = Article.Status.UNPUBLISHED
            elif roll < 0.037:
                status = Article.Status.TRASHED
            elif roll < 0.039:
                publish_at = now + datetime.timedelta(hours=rng.randint(1, 48))  # scheduled
            created = (publish_at or now - interval * i) - datetime.timedelta(hours=2)
            first = publish_at if status in ("published", "unpublished") else None
            edited = rng.random() < 0.1
            updated = (publish_at or created) + datetime.timedelta(
                hours=rng.randint(1, 72) if edited else 0, minutes=rng.randint(1, 30)
            )
            updated = min(updated, now)
            row = {
                "id": story_id,
                "translation_key": uuid.UUID(int=story_id),  # each story its own group
                "headline": headline,
                "slug": f"{slugify(headline)[:200]}-{story_id}",
                "standfirst": standfirst,
                "body": body,
                "section_id": rng.choices(self.sections, cum_weights=section_weights)[0].pk,
                "source": "AFP" if rng.random() < 0.2 else "",
                "dateline": "LONDON",
                "story_type": "news" if rng.random() < 0.85 else "analysis",
                "lead_image_id": self.image.pk if rng.random() < 0.5 else None,
                "status": status,
                "publish_at": publish_at,
                "first_published_at": first,
                "pub_date": first.astimezone(self.zone).date() if first else None,
                "created_at": created,
                "updated_at": updated,
                "show_updated": edited,
                "featured": i in (0, 3, 40) or rng.random() < 0.002,
                "priority": rng.choice([0, 0, 0, 1, 2, 3]),
                "created_by_id": self.editor.pk,
                "trashed_at": updated if status == "trashed" else None,
                "trashed_by_id": self.editor.pk if status == "trashed" else None,
                "status_before_trash": "draft" if status == "trashed" else "",
                "noindex": rng.random() < 0.01,
                "word_count": words,
                "reading_time": reading_minutes(words),
            }
            if status == Article.Status.PUBLISHED and publish_at <= now:
                self.published.append((story_id, publish_at))
            yield row

    def stories(self):
        with without_plain_indexes(Article._meta.db_table, "stories"):
            self.copy_stories()

    def copy_stories(self):
        loader = Loader(Article, exclude={"search_vector"})
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_stories (LIKE articles_article INCLUDING DEFAULTS)"
            )
        loader.copy(self.story_rows(), self.n_stories, "stories", table="bench_stories")
        # The search vector, as Article.save() computes it: search_vector()'s own SQL, over the
        # staged rows named as the table it is written for.
        vector, params = search_vector_sql()
        columns = loader.columns()
        chunk = 5000
        progress = Progress("search vectors", self.n_stories)
        with connection.cursor() as cursor:
            for start in range(1, self.n_stories + 1, chunk):
                cursor.execute(
                    f"INSERT INTO articles_article ({columns}, search_vector) "  # noqa: S608
                    f"SELECT {columns}, {vector} FROM bench_stories AS articles_article "
                    "WHERE id >= %s AND id < %s",
                    [*params, start, start + chunk],
                )
                progress.add(min(chunk, self.n_stories + 1 - start))
            cursor.execute("DROP TABLE bench_stories")
        progress.close()

    def story_relations(self):
        rng = self.rng
        tag_weights = zipf_weights(len(self.tags), 0.9)
        author_weights = zipf_weights(len(self.authors), 0.5)
        tag_counts = {}
        author_counts = {}

        def bylines():
            next_id = itertools.count(1)
            for story_id in range(1, self.n_stories + 1):
                chosen = set(rng.choices(self.authors, cum_weights=author_weights, k=2))
                for order, author in enumerate(list(chosen)[: 1 if rng.random() < 0.7 else 2]):
                    author_counts[author.slug] = author_counts.get(author.slug, 0) + 1
                    yield {
                        "id": next(next_id),
                        "article_id": story_id,
                        "author_id": author.pk,
                        "order": order,
                    }

        def tagged():
            next_id = itertools.count(1)
            for story_id in range(1, self.n_stories + 1):
                for tag in set(rng.choices(self.tags, cum_weights=tag_weights, k=3)):
                    tag_counts[tag.slug] = tag_counts.get(tag.slug, 0) + 1
                    yield {"id": next(next_id), "tag_id": tag.pk, "content_object_id": story_id}

        expected = int(self.n_stories * 1.3)
        Loader(ArticleAuthor).copy(bylines(), expected, "bylines")
        Loader(TaggedStory).copy(tagged(), int(self.n_stories * 2.6), "tags on stories")
        ids = [story_id for story_id, _at in self.published]

        def links():
            next_id = itertools.count(1)
            for position, story_id in enumerate(ids[:-1]):
                if rng.random() < 0.1:
                    older = ids[position + 1 : position + 200]
                    for order, target in enumerate(rng.sample(older, min(len(older), 3)), 1):
                        yield {
                            "id": next(next_id),
                            "article_id": story_id,
                            "target_id": target,
                            "order": order,
                        }

        Loader(RelatedLink).copy(links(), len(ids) // 5, "related links")
        corrections = [
            {
                "id": n,
                "article_id": story_id,
                "date": at + datetime.timedelta(hours=5),
                "text": "An earlier version of this story misstated a figure.",
            }  # fmt: skip
            for n, (story_id, at) in enumerate(
                (pair for pair in self.published if rng.random() < 0.02), 1
            )
        ]
        Loader(Correction).copy(corrections, len(corrections), "corrections")
        self.top_tag = max(tag_counts, key=tag_counts.get)
        self.top_author = max(author_counts, key=author_counts.get)

    # Comments
    def comment_counts(self):
        """{story id: number of comments}: one story with big_story_comments, the rest skewed."""
        rng = self.rng
        big_id = self.published[BIG_STORY_INDEX][0]
        others = [story_id for story_id, _at in self.published if story_id != big_id]
        remaining = max(self.n_comments - self.big_story_comments, 0)
        weights = [rng.paretovariate(1.3) for _ in others]
        scale = remaining / sum(weights) if weights else 0
        counts = {
            story_id: min(int(w * scale), 1500)
            for story_id, w in zip(others, weights, strict=True)
        }
        short = remaining - sum(counts.values())
        for story_id in itertools.islice(itertools.cycle(others), max(short, 0)):
            counts[story_id] += 1
        counts[big_id] = self.big_story_comments
        self.big_story_id = big_id
        return counts

    def comment_rows(self, counts):
        rng, now = self.rng, self.now
        published_at = dict(self.published)
        n_people = max(100, self.n_comments // 20)
        people = zipf_weights(n_people, 0.7)
        recent = now - datetime.timedelta(days=2)
        next_id = itertools.count(1)
        self.big_story_roots = 0
        for story_id in sorted(counts, key=published_at.get):
            count = counts[story_id]
            if not count:
                continue
            start = published_at[story_id]
            span = (min(start + datetime.timedelta(days=3), now) - start).total_seconds()
            offsets = sorted(rng.random() * span for _ in range(count))
            who = rng.choices(range(n_people), cum_weights=people, k=count)
            repliable = []  # (id, depth) of approved comments a reply may answer
            for offset, person in zip(offsets, who, strict=True):
                created = start + datetime.timedelta(seconds=offset)
                roll = rng.random()
                if created > recent and roll < 0.1:
                    status = Comment.Status.PENDING
                elif roll < 0.04:
                    status = Comment.Status.SPAM
                elif roll < 0.06:
                    status = Comment.Status.REJECTED
                else:
                    status = Comment.Status.APPROVED
                parent, depth = None, 1
                if status != Comment.Status.SPAM and repliable and rng.random() < 0.35:
                    parent, parent_depth = rng.choice(repliable[-60:])
                    depth = parent_depth + 1
                comment_id = next(next_id)
                if status == Comment.Status.APPROVED and depth < 3:
                    repliable.append((comment_id, depth))
                if story_id == self.big_story_id and depth == 1 and status == "approved":
                    self.big_story_roots += 1
                yield {
                    "id": comment_id,
                    "article_id": story_id,
                    "parent_id": parent,
                    "depth": depth,
                    "name": f"Reader {person}",
                    "email": f"reader{person}@example.org",
                    "body": COMMENT_TEXTS[comment_id % len(COMMENT_TEXTS)],
                    "status": status,
                    "reported": created > recent and status == "pending" and roll < 0.01,
                    "created": created,
                    "ip_address": f"10.{person // 65536 % 256}.{person // 256 % 256}.{person % 256}",
                    "user_agent": "Mozilla/5.0 (bench)",
                }

    def comments(self):
        counts = self.comment_counts()
        with without_plain_indexes(Comment._meta.db_table, "comments"):
            Loader(Comment).copy(self.comment_rows(counts), sum(counts.values()), "comments")
        # Their moderation records, as comments.moderation.set_status() writes them: every
        # comment filed as pending by the policy, then decided by a moderator.
        table = ModerationEvent._meta.db_table
        with without_plain_indexes(table, "moderation events"), connection.cursor() as cursor:
            progress = Progress("moderation events", 1)
            cursor.execute(
                f"INSERT INTO {table} "  # noqa: S608 - a model's table
                "(comment_id, actor_id, from_status, to_status, created, note) "
                "SELECT id, NULL, '', 'pending', created, '' FROM comments_comment UNION ALL "
                "SELECT id, %s, 'pending', status, created + interval '20 minutes', '' "
                "FROM comments_comment WHERE status <> 'pending'",
                [self.editor.pk],
            )
            progress.close()

    def fill(self):
        started = time.monotonic()
        with connection.cursor() as cursor:
            # Foreign keys are checked by triggers; the rows are consistent by construction.
            cursor.execute("SET session_replication_role = replica")
        try:
            self.people_and_places()
            self.stories()
            self.story_relations()
            self.comments()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        set_sequences(
            Article,
            ArticleAuthor,
            TaggedStory,
            RelatedLink,
            Correction,
            Comment,
            ModerationEvent,
            Tag,
            Author,
        )
        progress = Progress("vacuum analyze", 1)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does to a live database
        progress.close()
        check_derived()
        self.facts["fill_seconds"] = round(time.monotonic() - started, 1)
        return self.describe()

    def describe(self):
        """The addresses bench_scale.py measures."""
        per_page = settings.COMMENTS_PER_PAGE
        big = Article.objects.get(pk=self.big_story_id)
        section = Section.objects.annotate(n=models.Count("articles")).order_by("-n", "pk").first()
        in_section = Article.objects.published().filter(section=section).count()
        pending = Comment.objects.filter(status="pending").count()
        return {
            **self.facts,
            "stories": Article.objects.count(),
            "comments": Comment.objects.count(),
            "pending_comments": pending,
            "story_url": big.get_absolute_url(),
            "story_comments": Comment.objects.visible().filter(article=big).count(),
            "story_last_comment_page": max(1, math.ceil(self.big_story_roots / per_page)),
            "section_url": section.get_absolute_url(),
            "section_last_page": max(1, math.ceil(in_section / 20)),
            "tag_slug": self.top_tag,
            "author_slug": self.top_author,
            "common_word": COMMON_WORD,
            "rare_word": RARE_WORD,
            "username": "bench",
            "password": PASSWORD,
        }


def check_derived():
    """A few stories hold what Article.save() would have stored: the fill cut no corners."""
    stories = Article.objects.exclude(first_published_at=None).annotate(fresh=search_vector("en"))
    for article in stories.order_by("?")[:5]:
        words = word_count(article.body)
        assert (article.word_count, article.reading_time) == (words, reading_minutes(words))
        local = timezone.localdate(article.first_published_at)
        assert article.pub_date == local, article.pk
        assert article.search_vector == article.fresh, article.pk
        assert sanitize_html(article.body) == article.body, article.pk


def main():
    stories, comments = int(sys.argv[1]), int(sys.argv[2])
    facts = Paper(stories, comments).fill()
    print(json.dumps(facts))


if __name__ == "__main__":
    sys.exit(main())
