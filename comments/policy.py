"""The moderation policy: what happens to a new comment before any person sees it.

Declarative: the rules are the ordered list in `CommentPolicy.rules`, their knobs are the
COMMENTS_* settings (comments/conf.py has the defaults). The first rule that matches decides;
the decision carries a reason that is written to the comment's ModerationEvent.
"""

import re
from dataclasses import dataclass

from django.db.models import Count, Q

from comments.conf import setting
from comments.models import Comment

LINK = re.compile(r"https?://|\bwww\.", re.IGNORECASE)


@dataclass(frozen=True)
class Signals:
    """What the request tells us besides the comment itself."""

    honeypot: bool = False
    user_agent: str = ""


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str


def words_pattern(words):
    """A case-insensitive pattern matching any of `words` as a whole word (or phrase)."""
    words = [w.strip() for w in words if w.strip()]
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def find_word(words, *texts):
    pattern = words_pattern(words)
    if pattern is None:
        return None
    for text in texts:
        match = pattern.search(text or "")
        if match:
            return match.group(0)
    return None


class CommentPolicy:
    def decide(self, comment, signals=Signals()):
        for rule in self.rules:
            decision = rule(self, comment, signals)
            if decision is not None:
                return decision
        if setting("PREMODERATE"):
            return Decision(Comment.Status.PENDING, "pre-moderation")
        return Decision(Comment.Status.APPROVED, "no rule held it")

    # Spam, silently: the sender gets the same answer as for any held comment.
    def honeypot(self, comment, signals):
        if signals.honeypot:
            return Decision(Comment.Status.SPAM, "honeypot field filled")

    def bot_signal(self, comment, signals):
        agent = (signals.user_agent or "").strip().lower()
        if not agent:
            return Decision(Comment.Status.SPAM, "bot signal: no User-Agent")
        for marker in setting("BOT_USER_AGENTS"):
            if marker.lower() in agent:
                return Decision(Comment.Status.SPAM, f"bot signal: User-Agent has {marker!r}")

    def blocked_word(self, comment, signals):
        word = find_word(setting("BLOCKED_WORDS"), comment.body, comment.name, comment.website)
        if word:
            return Decision(Comment.Status.SPAM, f"blocked word {word!r}")

    # Held for a person, whatever the commenter's history.
    def too_many_links(self, comment, signals):
        limit = setting("HOLD_LINKS")
        links = len(LINK.findall(comment.body))
        if limit and links >= limit:
            return Decision(Comment.Status.PENDING, f"held: {links} links")

    def moderation_word(self, comment, signals):
        word = find_word(setting("MODERATION_WORDS"), comment.body, comment.name, comment.website)
        if word:
            return Decision(Comment.Status.PENDING, f"held: moderation word {word!r}")

    # Trusted.
    def returning_commenter(self, comment, signals):
        if not setting("TRUST_RETURNING"):
            return None
        history = Comment.objects.filter(email=comment.email.strip().lower()).aggregate(
            approved=Count("pk", filter=Q(status=Comment.Status.APPROVED)),
            bad=Count("pk", filter=Q(status__in=[Comment.Status.SPAM, Comment.Status.REJECTED])),
        )
        if history["approved"] and not history["bad"]:
            return Decision(
                Comment.Status.APPROVED, f"returning commenter ({history['approved']} approved)"
            )

    rules = [
        honeypot,
        bot_signal,
        blocked_word,
        too_many_links,
        moderation_word,
        returning_commenter,
    ]


policy = CommentPolicy()


def file_comment(comment, signals=Signals()):
    """Decide on a new, unsaved comment and save it through the one status function."""
    from comments.moderation import set_status

    decision = policy.decide(comment, signals)
    set_status(comment, decision.status, note=decision.reason)
    return decision
