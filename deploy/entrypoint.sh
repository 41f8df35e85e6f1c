#!/bin/sh
# Bring the database schema and the static files up to date, then run the command.
set -e
if [ "${SKIP_MIGRATE:-0}" != "1" ]; then
  python manage.py migrate --no-input
fi
python manage.py collectstatic --no-input -v 0
exec "$@"
