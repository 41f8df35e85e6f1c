# Persian: Django's formats, with the Persian separators that go with Persian digits (۱٬۲۳۴٫۵).
from django.conf.locale.fa.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "٫"
THOUSAND_SEPARATOR = "٬"
NUMBER_GROUPING = 3
