"""Who works the comment queue: the desk's Editors and Moderators (articles.desk.roles).

Granted by migration 0002_moderation_groups; change it here *and* in a new migration (a test
checks that the migrated groups match the roles table).
"""

from articles.desk import roles

COMMENT_MODERATION = {
    ("comments", "moderate_comment"),
    ("comments", "view_comment"),
    ("comments", "view_commentreport"),
    ("comments", "view_moderationevent"),
}
MODERATING_GROUPS = (roles.EDITORS, roles.MODERATORS)


def grant_moderation():
    for group in MODERATING_GROUPS:
        roles.grant(group, COMMENT_MODERATION)
