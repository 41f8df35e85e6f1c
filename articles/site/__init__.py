"""The reader site: what the public sees of the stories.

views (home, story, section/author/tag listings, archives, search page, robots.txt), urls,
feeds (RSS/Atom), sitemaps (standard and Google News), search (PostgreSQL full text) and
jsonld (schema.org structured data). Everything here reads `Article.objects.published()`; the
reader template tags stay in articles/templatetags/reader.py, where Django finds them.
"""
