"""The desk: how editors, reporters and moderators produce the paper.

admin (the story, image, section, author and tag admins, revisions, the trash), forms (the
admin forms), workflow (who may move a story where, as plain functions) and roles (the desk's
groups as permission sets). ArticlesConfig.ready imports admin: Django's autodiscovery looks
only for articles.admin.
"""
