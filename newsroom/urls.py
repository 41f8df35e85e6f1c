from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from articles.site.sitemaps import news_sitemap, sitemap_index, sitemap_section
from articles.site.views import robots_txt
from newsroom import views
from newsroom.editions import edition_patterns

# A database outage met outside a view still gets the 503 page (newsroom.middleware).
handler500 = "newsroom.middleware.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/two-factor/", include("newsroom.twofactor.urls")),
    path("admin/desk/", include("articles.desk.urls")),
    path("admin/", admin.site.urls),
    path("comments/", include("comments.urls")),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_section, name="sitemap_section"),
    path("news-sitemap.xml", news_sitemap, name="news_sitemap"),
    # The reader site, once per edition: /ar/... for Arabic (newsroom.editions).
    *edition_patterns(path("", include("articles.site.urls"))),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
