"""Count the story page's SQL queries for scripts/bench.py; print them as JSON.

Run in a subprocess with the bench settings, the throwaway database and the bench's Redis,
before gunicorn starts. Counts, through Django's test client (middleware and all):
  - a page-cache miss (PAGE_CACHE off) with an empty cache: nothing kept yet;
  - a page-cache miss once the fragments are kept (the steady state of `make bench`'s miss);
  - a conditional GET with the ETag of a page the page cache holds (PAGE_CACHE on).
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402


def counted(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code in (200, 304), (url, response.status_code)
    return response, len(queries)


def main():
    url = sys.argv[1]
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    with override_settings(PAGE_CACHE=False):
        client.get(url)  # what a process does once (content types, translations)
        caches["default"].clear()
        _first, cold = counted(client, url)
        _again, warm = counted(client, url)
    client.get(url)  # kept by the page cache, where there is one
    page = client.get(url)
    answer, conditional = counted(client, url, HTTP_IF_NONE_MATCH=page.get("ETag", ""))
    print(
        json.dumps(
            {
                "miss_queries_empty_cache": cold,
                "miss_queries": warm,
                "conditional_queries": conditional,
                "conditional_status": answer.status_code,
                "page_cache_header": page.get("X-Page-Cache", ""),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
