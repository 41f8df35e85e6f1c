import factory
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone
from factory.django import DjangoModelFactory

from articles.models import Article, ArticleAuthor, Author, Section


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@newsroom.test")
    # Hashed before the user is created: no second save after post-generation.
    password = factory.django.Password("correct horse battery")


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.Sequence(lambda n: f"author-{n}")
    bio = "Writes about the city."


class ArticleFactory(DjangoModelFactory):
    """A published story, live since an hour ago unless told otherwise."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Council approves plan number {n}")
    slug = factory.Sequence(lambda n: f"council-approves-plan-{n}")
    standfirst = "The vote came after a long debate."
    body = "<p>The council voted on Tuesday.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for order, author in enumerate(extracted):
            ArticleAuthor.objects.create(article=self, author=author, order=order)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


# Comments (comments app)
from comments.models import Comment  # noqa: E402


class CommentFactory(DjangoModelFactory):
    """An approved comment on a published story, unless told otherwise."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    name = factory.Sequence(lambda n: f"Reader {n}")
    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    body = factory.Sequence(lambda n: f"A thoughtful comment, number {n}.")
    status = Comment.Status.APPROVED
    ip_address = "203.0.113.7"
    user_agent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"


# Story desk (articles admin) factories.


def image_bytes(size=(64, 48), fmt="JPEG", color=(200, 80, 40), **save_options):
    """A small real picture, encoded in memory."""
    import io

    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGB", size, color).save(out, fmt, **save_options)
    return out.getvalue()


def picture_file(name="picture.jpg", **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/jpeg")


class ImageFactory(DjangoModelFactory):
    """A real picture, wide enough for several renditions, as on upload."""

    class Meta:
        model = "articles.Image"

    file = factory.LazyFunction(lambda: picture_file(size=(1200, 800), color=(40, 90, 140)))
    alt_text = "Councillors voting in the chamber"
    caption = "The vote in the council chamber."
    credit = "Jane Photographer"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The upload's commit hands the renditions job to the (immediate) task backend.
        with TestCase.captureOnCommitCallbacks(execute=True):
            image = super()._create(model_class, *args, **kwargs)
        image.refresh_from_db(fields=["renditions", "crops"])
        return image


class CorrectionFactory(DjangoModelFactory):
    class Meta:
        model = "articles.Correction"

    article = factory.SubFactory(ArticleFactory)
    text = "An earlier version of this story misspelled the councillor's name."


class StaffFactory(UserFactory):
    """A staff user in one of the newsroom groups: StaffFactory(role="Editors")."""

    is_staff = True

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted:
            from django.contrib.auth.models import Group

            from articles.desk.roles import sync_groups

            # A transactional test (live server) flushes what the data migration created.
            if not Group.objects.filter(name=extracted).exists():
                sync_groups()
            self.groups.add(Group.objects.get(name=extracted))
