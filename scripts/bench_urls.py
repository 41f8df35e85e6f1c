"""The site's URLs plus /bench/trivial/, a Django view that does no work (the baseline)."""

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_patterns


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *site_patterns]
