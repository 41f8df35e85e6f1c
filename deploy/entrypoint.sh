#!/bin/sh
# Bring the database schema, the cache table and the static files up to date, then run the
# command. createcachetable makes the database cache's table when the settings select it
# (DEBUG off, no REDIS_URL) and does nothing otherwise; it is idempotent, like migrate.
set -e
if [ "${SKIP_MIGRATE:-0}" != "1" ]; then
  python manage.py migrate --no-input
  python manage.py createcachetable -v 0
fi
python manage.py collectstatic --no-input -v 0
exec "$@"
