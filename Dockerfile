# The Newsroom web image: gunicorn serving Django, WhiteNoise serving static files.
FROM python:3.12-slim-trixie

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 1000 newsroom
# pg_dump / pg_restore for `manage.py backup` and `restore`: Debian's client (17 on trixie),
# which must be at least the server's major version (compose runs PostgreSQL 17).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY --chown=newsroom:newsroom . .
RUN mkdir -p /app/media /app/staticfiles /app/backups \
    && chown newsroom:newsroom /app/media /app/staticfiles /app/backups

USER newsroom
EXPOSE 8000
# Only the stack's proxy reaches this port (docker-compose.yml publishes the proxy alone), so
# gunicorn trusts its X-Forwarded-* headers.
ENTRYPOINT ["/app/deploy/entrypoint.sh"]
CMD ["sh", "-c", "exec gunicorn newsroom.wsgi:application --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-3} --access-logfile - --forwarded-allow-ips '*'"]
