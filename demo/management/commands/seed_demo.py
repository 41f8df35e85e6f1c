"""Load demo content: sections, authors, a month of stories with pictures, readers'
comments, and demo users; and, for every edition in SITE_LANGUAGES that `demo.content_editions`
covers (Arabic, Persian, Urdu), the sections' and authors' names in the edition, and the
translated stories with their corrections and comments.

Idempotent and quick to say so: when the demo stories are already there it only makes sure
the demo users, the editions' translations and the demo comments exist, so a second
`make run` starts at once, and a demo loaded with English only gets its translations when
the editions are switched on.
"""

import io
import random
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from articles.desk import roles
from articles.models import (
    Article,
    ArticleAuthor,
    Author,
    AuthorName,
    Correction,
    Image,
    RelatedLink,
    Section,
    SectionLabel,
)
from comments import moderation
from comments.attach import comments_open
from comments.models import Comment
from demo import content, content_editions
from newsroom import editions
from newsroom.slugs import unicode_slug

DEMO_USERS = (
    ("editor", roles.EDITORS, "Daniel Achterberg"),
    ("reporter", roles.REPORTERS, "Maya Okafor"),
    ("moderator", roles.MODERATORS, None),
)
DEMO_PASSWORDS = {name: f"newsroom-{name}" for name, _, _ in DEMO_USERS}
PICTURE_SIZE = (960, 540)
DEMO_BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"
# Story i is made from section i % 6 and that section's template (i // 6) % 5, so every
# template is used by stories i and i + 30 (STORY_CYCLE) with the default 60.
STORY_CYCLE = len(content.SECTIONS) * 5
# Each edition's corrections (content_editions.CORRECTIONS[lang], in order) go on the version
# of the story they are about: the planning meeting's day (Tuesday) and the river trust's chair.
EDITION_CORRECTIONS = [("city", 0), ("environment", 4)]


class Command(BaseCommand):
    help = "Load the demo newsroom: sections, authors, stories with pictures, demo users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stories", type=int, default=60, help="How many stories (default 60)."
        )
        parser.add_argument(
            "--days", type=int, default=30, help="Spread them over this many days (default 30)."
        )
        parser.add_argument(
            "--no-images", action="store_true", help="Skip lead images and portraits."
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off. Demo users then get random passwords, never shown.",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: this looks like production. seed_demo adds demo users and "
                "stories; pass --allow-production if you really want them here."
            )
        if options["stories"] < 0 or options["days"] < 1:
            raise CommandError("--stories must be 0 or more and --days at least 1.")
        started = time.monotonic()
        with transaction.atomic():
            users = self.ensure_users()
            if Section.objects.filter(slug=content.SECTIONS[0][1]).exists():
                self.stdout.write("Demo content is already loaded.")
            else:
                counts = self.load(users, options)
                self.stdout.write(
                    self.style.SUCCESS(
                        "Loaded {sections} sections, {authors} authors, {stories} stories, "
                        "{images} images.".format(**counts)
                    )
                )
            languages = self.edition_languages()
            originals = self.originals() if languages else {}
            self.ensure_labels(languages)
            for language in languages:
                self.ensure_translations(language, originals)
            comments = self.ensure_comments(
                users["moderator"], content.COMMENT_THREADS, editions.default()
            )
            self.report_comments(comments, "")
            for language in languages:
                comments = self.ensure_comments(
                    users["moderator"], content_editions.COMMENT_THREADS[language], language
                )
                self.report_comments(comments, f" in the {language} edition")
        if settings.DEBUG:
            self.stdout.write("Demo users (staff, log in at /admin/):")
            for name, group, _ in DEMO_USERS:
                self.stdout.write(f"  {name:<10} password {DEMO_PASSWORDS[name]:<20} ({group})")
        self.stdout.write(f"seed_demo took {time.monotonic() - started:.1f}s.")

    # Users
    def ensure_users(self):
        User = get_user_model()
        if Group.objects.filter(name__in=[g for _, g, _ in DEMO_USERS]).count() < 3:
            roles.sync_groups()
        users = {}
        for name, group_name, _ in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=name,
                defaults={"is_staff": True, "email": f"{name}@newsroom.invalid"},
            )
            if created:
                password = DEMO_PASSWORDS[name] if settings.DEBUG else secrets.token_urlsafe(24)
                user.set_password(password)
                user.save(update_fields=["password"])
                user.groups.add(Group.objects.get(name=group_name))
            users[name] = user
        return users

    def report_comments(self, counts, where):
        if counts and any(counts.values()):
            self.stdout.write(
                self.style.SUCCESS(
                    "Loaded {approved} approved and {pending} pending comments{where}.".format(
                        **counts, where=where
                    )
                )
            )

    # Comments
    def ensure_comments(self, moderator, threads, language):
        """Readers' comments (`threads`) on the newest stories of the edition `language`
        still open for comments, once.

        Each goes through the moderation functions, so the desk sees the same audit trail
        as for a real comment: filed as pending by the policy, approved by the moderator.
        """
        demo_emails = {c[1] for thread in threads for c in thread}
        if Comment.objects.filter(email__in=demo_emails, article__language=language).exists():
            return None
        candidates = (
            Article.objects.published()
            .filter(language=language, comments_enabled=True)
            .order_by("-publish_at")[: 4 * len(threads)]
        )
        stories = [story for story in candidates if comments_open(story)]
        now = timezone.now()
        counts = {"approved": 0, "pending": 0}
        for story, thread in zip(stories, threads, strict=False):
            posted = []
            for index, (name, email, body, status, reply_to) in enumerate(thread):
                # Spread over the time since publication, in order, never in the future.
                age = (now - story.first_published_at) * (len(thread) - index) / (len(thread) + 1)
                comment = Comment(
                    article=story,
                    parent=posted[reply_to] if reply_to is not None else None,
                    name=name,
                    email=email,
                    body=body,
                    created=now - age,
                    ip_address=f"203.0.113.{10 + index}",
                    user_agent=DEMO_BROWSER,
                    moderators_notified_at=now,  # demo comments send no email
                )
                moderation.set_status(comment, Comment.Status.PENDING)
                if status == Comment.Status.APPROVED:
                    moderation.approve(comment, by=moderator)
                counts[status] += 1
                posted.append(comment)
        return counts

    # Editions
    def edition_languages(self):
        """The editions beyond the default one that the demo has stories for. The demo's
        stories are English: with another default edition there is nothing to translate."""
        if editions.default() != "en":
            return []
        return [code for code in editions.codes()[1:] if code in content_editions.LANGUAGES]

    def originals(self):
        """{(section slug, template): (story index, English story)} for every template the
        editions translate, or fewer when the demo has fewer stories.

        Each template is used by stories i and i + 30 (with the default 60); the translation
        joins the newer one when it is there (the older ones are past the comments' closing
        age on a fresh demo), else the older one. A story is known by the headline and
        standfirst seed_demo wrote, so this works on a demo loaded before the editions."""
        wanted = {}
        for story in content_editions.STORIES[content_editions.LANGUAGES[0]]:
            key = (story["section"], story["template"])
            first = [slug for _, slug, _ in content.SECTIONS].index(key[0]) + 6 * key[1]
            for i in (first + STORY_CYCLE, first):
                headline, standfirst, *_ = story_template(i)
                values = story_values(i)
                wanted[(headline.format(**values), standfirst.format(**values))] = (key, i)
        found = {}
        for article in (
            Article.objects.filter(
                language=editions.default(),
                headline__in=[headline for headline, _ in wanted],
                section__slug__in=[slug for _, slug, _ in content.SECTIONS],
            )
            .select_related("section", "lead_image", "created_by")
            .order_by("pk")
        ):
            match = wanted.get((article.headline, article.standfirst))
            if match is None or match[0][0] != article.section.slug:
                continue
            key, i = match
            if key not in found or found[key][0] < i:
                found[key] = (i, article)
        return found

    def ensure_labels(self, languages):
        """The demo sections' and authors' names in the editions (SectionLabel, AuthorName),
        for those without one: an editor's own names are kept. Two queries when all are
        there; saved one by one, so the pages showing them are refreshed (articles.cache)."""
        sections = content_editions.SECTIONS
        have = SectionLabel.objects.filter(language__in=languages)
        missing = {(slug, language) for language in languages for slug in sections[language]}
        missing -= set(have.values_list("section__slug", "language"))
        if missing:
            found = Section.objects.in_bulk({slug for slug, _ in missing}, field_name="slug")
            for slug, language in sorted(missing):
                if slug in found:
                    name, _slug, description = sections[language][slug]
                    SectionLabel(
                        section=found[slug], language=language, name=name, description=description
                    ).save()
        authors = content_editions.AUTHORS
        have = AuthorName.objects.filter(language__in=languages)
        missing = {(name, language) for language in languages for name in authors[language]}
        missing -= set(have.values_list("author__name", "language"))
        if missing:
            for author in Author.objects.filter(name__in={name for name, _ in missing}):
                for language in languages:
                    if (author.name, language) in missing:
                        name = authors[language][author.name]
                        AuthorName(author=author, language=language, name=name).save()

    def ensure_translations(self, language, originals):
        """The edition's stories, each a version of its English story (same translation
        group, section, story type, authors, lead image, status and publication time),
        once; then their related links, corrections and tags. `originals` is what
        originals() found."""
        stories = content_editions.STORIES[language]
        skipped = [s for s in stories if (s["section"], s["template"]) not in originals]
        keys = [article.translation_key for _, article in originals.values()]
        done = set(
            Article.objects.filter(translation_key__in=keys, language=language).values_list(
                "translation_key", flat=True
            )
        )
        todo = [
            s
            for s in stories
            if (s["section"], s["template"]) in originals
            and originals[(s["section"], s["template"])][1].translation_key not in done
        ]
        if not todo:
            return
        edition = content_editions.EDITION[language]
        made = {}
        for story in todo:
            i, english = originals[(story["section"], story["template"])]
            values = edition_values(story_values(i), language)
            article = Article(
                language=language,
                translation_key=english.translation_key,
                headline=story["headline"].format(**values),
                standfirst=story["standfirst"].format(**values),
                body=render_body(story["body"], values),
                section=english.section,
                story_type=english.story_type,
                source=edition["source"] if english.source else "",
                dateline=edition["dateline"] if english.dateline else "",
                byline=edition["staff_byline"] if english.byline else "",
                created_by=english.created_by,
                comments_enabled=english.comments_enabled,
                priority=english.priority,
                featured=english.featured,
                lead_image=english.lead_image,
                publish_at=english.publish_at,
            )
            article.slug = story_slug(article.headline)
            unpublished = english.status == Article.Status.UNPUBLISHED
            article.status = Article.Status.PUBLISHED if unpublished else english.status
            article._history_user = english.created_by
            article.save()
            if unpublished:
                article.status = Article.Status.UNPUBLISHED
                article.save()
            ArticleAuthor.objects.bulk_create(
                ArticleAuthor(article=article, author_id=link.author_id, order=link.order)
                for link in ArticleAuthor.objects.filter(article=english)
            )
            tags = content_editions.TAGS[language]
            article.tags.add(*(tags[name] for name in english.tags.names() if name in tags))
            made[english.pk] = article

        # Related links: the English stories' links between translated stories, each end
        # mapped to its version in this edition (a link to a story without one is left out).
        versions = {
            version.translation_key: version
            for version in Article.objects.filter(translation_key__in=keys, language=language)
        }
        english = [article.pk for _, article in originals.values()]
        new = {article.pk for article in made.values()}
        for source_key, target_key in (
            RelatedLink.objects.filter(article_id__in=english, target_id__in=english)
            .order_by("order", "pk")
            .values_list("article__translation_key", "target__translation_key")
        ):
            source, target = versions.get(source_key), versions.get(target_key)
            if source and target and {source.pk, target.pk} & new:
                source.relate(target)

        made_by_key = {(s["section"], s["template"]): s for s in todo}
        for (section, template), text in zip(
            EDITION_CORRECTIONS, content_editions.CORRECTIONS[language], strict=False
        ):
            if (section, template) not in made_by_key:
                continue
            article = made[originals[(section, template)][1].pk]
            if article.is_published:
                Correction.objects.create(
                    article=article, date=article.publish_at + timedelta(hours=5), text=text
                )
        message = f"Loaded {len(made)} stories in the {language} edition."
        if skipped:
            message += (
                f" Skipped {len(skipped)} whose English story the demo does not have "
                "(fewer --stories)."
            )
        self.stdout.write(self.style.SUCCESS(message))

    # Content
    def load(self, users, options):
        rng = random.Random(2026)  # the same demo every time
        now = timezone.now()
        with_images = not options["no_images"]

        sections = [
            Section.objects.create(name=name, slug=slug, description=description, order=order)
            for order, (name, slug, description) in enumerate(content.SECTIONS)
        ]
        staff_author = {full: users[name] for name, _, full in DEMO_USERS if full}
        authors = []
        for index, (name, bio, expertise) in enumerate(content.AUTHORS):
            author = Author(
                name=name,
                slug=slugify(name),
                bio=bio,
                expertise=expertise,
                user=staff_author.get(name),
            )
            if with_images:
                author.photo = ContentFile(portrait(name, index), name=f"{slugify(name)}.png")
            author.save()
            authors.append(author)

        total = options["stories"]
        span = timedelta(days=options["days"])
        # The newest story is scheduled; a few others, spread over the month, are still with
        # the desk, so the paper has stories from the last two days (the news sitemap's window).
        roles_by_index = {}
        if total:
            roles_by_index[total - 1] = "scheduled"
        for offset, role in zip(
            range(3, 3 + 6 * 4, 4),
            ("draft", "review", "unpublished", "draft", "review", "draft"),
            strict=False,
        ):
            if total - offset >= 0:
                roles_by_index[total - offset] = role

        stories, images = [], 0
        for i in range(total):
            section = sections[i % len(sections)]
            headline, standfirst, paragraphs, tags, story_type = story_template(i)
            values = story_values(i)
            role = roles_by_index.get(i, "published")
            owner = users["reporter"] if role in {"draft", "review"} else users["editor"]
            article = Article(
                headline=headline.format(**values),
                standfirst=standfirst.format(**values),
                body=render_body(paragraphs, values),
                section=section,
                story_type=story_type,
                source="Portmere Press Agency" if i % 7 == 3 else "",
                dateline="Portmere",
                created_by=owner,
                comments_enabled=story_type != "sponsored",
                priority=3 if i % 11 == 0 else 0,
            )
            article.slug = slugify(article.headline)[:200]
            if role == "scheduled":
                article.status = Article.Status.PUBLISHED
                article.publish_at = now + timedelta(days=2, hours=3)
            elif role in {"draft", "review"}:
                article.status = (
                    Article.Status.DRAFT if role == "draft" else Article.Status.IN_REVIEW
                )
            else:
                article.status = Article.Status.PUBLISHED
                # The newest published story (just below the scheduled one) is hours old.
                age = span * max(total - 2 - i, 0) / max(total, 1)
                article.publish_at = now - age - timedelta(minutes=rng.randint(20, 600))
            if with_images:
                article.lead_image = lead_picture(
                    article, index=i, uploaded_by=owner, credit="Newsroom demo illustration"
                )
                images += 1
            article._history_user = owner
            article.save()
            if role == "unpublished":
                article.status = Article.Status.UNPUBLISHED
                article.save()
            lead = authors[i % len(sections)]
            ArticleAuthor.objects.create(article=article, author=lead, order=0)
            if i % 4 == 1:
                second = authors[(i + 1) % len(authors)]
                ArticleAuthor.objects.create(article=article, author=second, order=1)
            if i % 9 == 5:
                article.byline = "Staff and agencies"
                article.save(update_fields=["byline"])
            article.tags.add(*tags, *rng.sample(content.TAGS, 1))
            stories.append(article)

        # Related stories: earlier stories of the same section, the first one both ways.
        for i, article in enumerate(stories):
            for back, both_ways in ((len(sections), True), (2 * len(sections), False)):
                if i - back >= 0:
                    article.relate(stories[i - back], both_ways=both_ways)

        published = [a for a in stories if a.status == Article.Status.PUBLISHED and a.is_published]
        corrected = (
            {published[len(published) * k // 3] for k in (1, 2)} if len(published) > 1 else set()
        )
        for article, text in zip(
            sorted(corrected, key=lambda a: a.pk), content.CORRECTIONS, strict=False
        ):
            Correction.objects.create(
                article=article, date=article.publish_at + timedelta(hours=5), text=text
            )
        if published:
            lead_story = published[-1]
            lead_story.featured = True
            lead_story.save(update_fields=["featured"])
        return {
            "sections": len(sections),
            "authors": len(authors),
            "stories": len(stories),
            "images": images,
        }


def story_template(i):
    """The English template story i is made from: (headline, standfirst, paragraphs, tags,
    story type)."""
    templates = content.STORIES[content.SECTIONS[i % len(content.SECTIONS)][1]]
    return templates[(i // 6) % len(templates)]


def story_values(i):
    """What fills story i's placeholders."""
    return {
        "place": content.DISTRICTS[(i // 6 + (i // 30) * 5) % len(content.DISTRICTS)],
        "n": 12 + (i * 37) % 180,  # counts: homes, signatures, jobs
        "m": 2 + (i * 5) % 9,  # millions, per cent growth, goals
        "p": 18 + (i * 7) % 23,  # turnout, years, crews
        "rival": content.RIVALS[i % len(content.RIVALS)],
    }


def edition_values(values, language):
    """Story values for an edition: names in its script, numbers in its digits."""
    digits = str.maketrans("0123456789", content_editions.DIGITS[language])
    mapped = {key: str(value).translate(digits) for key, value in values.items()}
    mapped["place"] = content_editions.DISTRICTS[language][values["place"]]
    mapped["rival"] = content_editions.RIVALS[language][values["rival"]]
    return mapped


def story_slug(headline):
    """A translation's slug, in its own script (the reader site's addresses take any
    script). A Persian zero-width non-joiner becomes a hyphen: dropped, it would join the
    letters it keeps apart (خانه‌ها would read خانهها)."""
    return unicode_slug(headline.replace("\u200c", " "), 200)


def render_body(paragraphs, values):
    html = []
    for paragraph in paragraphs:
        text = escape(paragraph.format(**values))
        if text.startswith("## "):
            html.append(f"<h2>{text[3:]}</h2>")
        elif text.startswith("&gt; "):
            html.append(f"<blockquote><p>{text[5:]}</p></blockquote>")
        else:
            html.append(f"<p>{text}</p>")
    return "\n".join(html)


def _png(image):
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def portrait(name, index):
    """A 400×400 initials portrait in the author's colour."""
    background, accent = content.PALETTE[index % len(content.PALETTE)]
    image = PILImage.new("RGB", (400, 400), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 360, 360), fill=accent)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=150)
    draw.text((200, 200), initials, fill=background, font=font, anchor="mm")
    return _png(image)


def lead_picture(article, *, index, uploaded_by, credit):
    """A river-city scene: sky, sun, rooftops and water, different for every story."""
    rng = random.Random(index)
    width, height = PICTURE_SIZE
    background, accent = content.PALETTE[index % len(content.PALETTE)]
    image = PILImage.new("RGB", PICTURE_SIZE, background)
    draw = ImageDraw.Draw(image)
    for y in range(0, height, 5):  # a sky that darkens towards the top
        shade = tuple(min(255, c + y * 60 // height) for c in background)
        draw.rectangle((0, y, width, y + 5), fill=shade)
    sun_x = rng.randint(120, width - 120)
    draw.ellipse((sun_x - 56, 88, sun_x + 56, 200), fill=accent)
    skyline = height * 2 // 3
    x = 0
    while x < width:
        w, h = rng.randint(40, 104), rng.randint(48, 208)
        draw.rectangle((x, skyline - h, x + w, skyline), fill=tuple(c // 2 for c in background))
        x += w + rng.randint(0, 12)
    for y in range(skyline, height, 11):  # the river
        draw.line((0, y, width, y + rng.randint(-6, 6)), fill=accent, width=2)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return Image.objects.create(
        file=ContentFile(out.getvalue(), name=f"{article.slug[:60]}.jpg"),
        alt_text=f"Illustration for “{article.headline}”: rooftops by the river at dusk.",
        caption=article.standfirst[:200],
        credit=credit,
        uploaded_by=uploaded_by,
    )
