"""The desk's background jobs, run by the worker (`manage.py db_worker`): its mail.

One job per person: a mail server that fails for one recipient is retried for that one alone
(newsroom.tasks.retry_later), and nobody is sent a mail twice because a colleague's failed.
"""

import logging
import smtplib

from django_tasks import task

from articles.desk import notifications, people
from newsroom.tasks import enqueue_with_transaction, retry_later

logger = logging.getLogger(__name__)

MAIL_FAILURES = (smtplib.SMTPException, OSError)  # the server down, refusing or timing out


@task()
def announce_submitted(article_id, actor_id):
    """A story went to review: one mail job for each editor who wants to know."""
    recipients = notifications.review_recipients(exclude=actor_id)
    for user_id in recipients:
        enqueue_with_transaction(
            send_story_mail, notifications.SUBMITTED, article_id, user_id, actor_id=actor_id
        )
    return len(recipients)


@task()
def send_story_mail(event, article_id, user_id, actor_id=None, note_id=None, attempt=1):
    """Tell one person about one story (notifications.send); retried when the mail fails."""
    try:
        return notifications.send(event, article_id, user_id, actor_id=actor_id, note_id=note_id)
    except MAIL_FAILURES:
        # A bug (a template error, say) is not retried: it fails the job, logged by the worker.
        logger.exception("Could not send the %r mail about story %s", event, article_id)
        retry_later(
            send_story_mail,
            attempt,
            event,
            article_id,
            user_id,
            actor_id=actor_id,
            note_id=note_id,
        )
        return False


@task()
def send_invitation(user_id, invited_by_id, attempt=1):
    """Mail a new staff member the link that sets their password (people.invitation_message)."""
    try:
        return people.send_invitation(user_id, invited_by_id)
    except MAIL_FAILURES:
        logger.exception("Could not send the invitation of user %s", user_id)
        retry_later(send_invitation, attempt, user_id, invited_by_id)
        return False
