from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from articles.models import Article, ArticleRedirect, Author, Section


class ArticleListMixin:
    """What every story listing shares: published stories, shaped once, paginated."""

    paginate_by = 20
    template_name = "articles/article_list.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing()


class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"
    paginate_by = None

    def get_queryset(self):
        return super().get_queryset()[:20]


class SectionView(ArticleListMixin, ListView):
    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().filter(section=self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(listing_title=self.section.name, **kwargs)


class TagView(ArticleListMixin, ListView):
    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(listing_title=self.tag.name, **kwargs)


class AuthorView(ArticleListMixin, ListView):
    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return super().get_queryset().filter(authors=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            listing_title=self.author.name, author=self.author, **kwargs
        )


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_object(self, queryset=None):
        k = self.kwargs
        article = (
            self.get_queryset()
            .filter(pub_date__year=k["year"], pub_date__month=k["month"], pub_date__day=k["day"])
            .filter(slug=k["slug"])
            .first()
        )
        if article is None:
            raise Http404("No story at this address.")
        return article

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = ArticleRedirect.objects.filter(old_path=request.path).select_related("article")
            old = moved.first()
            if old is not None and old.article.is_published:
                return redirect(old.article, permanent=True)
            raise


@method_decorator(never_cache, name="dispatch")
class ArticlePreviewView(PermissionRequiredMixin, DetailView):
    """Any story, in any status, on the reader template: for staff who may view stories."""

    permission_required = "articles.view_article"
    context_object_name = "article"
    raise_exception = False

    def get_queryset(self):
        return Article.objects.for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=True, **kwargs)
