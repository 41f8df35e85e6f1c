from django.urls import path, register_converter

from articles.site import feeds, views
from newsroom import slugs  # noqa: F401 - registers the `uslug` converter


class FourDigitYear:
    regex = r"[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigit:
    regex = r"[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigit, "mm")

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "<yyyy:year>/<mm:month>/<mm:day>/<uslug:slug>/",
        views.ArticleDetailView.as_view(),
        name="article",
    ),
    path("<yyyy:year>/", views.DateArchiveView.as_view(), name="archive_year"),
    path("<yyyy:year>/<mm:month>/", views.DateArchiveView.as_view(), name="archive_month"),
    path("<yyyy:year>/<mm:month>/<mm:day>/", views.DateArchiveView.as_view(), name="archive_day"),
    path("preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path("section/<uslug:slug>/", views.SectionView.as_view(), name="section"),
    path("section/<uslug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    path("tag/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("tag/<uslug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("author/<uslug:slug>/", views.AuthorView.as_view(), name="author"),
    path("author/<uslug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestStoriesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestStoriesAtomFeed(), name="feed_atom"),
]
