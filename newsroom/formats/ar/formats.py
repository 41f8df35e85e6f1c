# Arabic: Django's formats, with the Arabic separators that go with Arabic-Indic digits
# (١٬٢٣٤٫٥), where Django has the European ones.
from django.conf.locale.ar.formats import *  # noqa: F403

DECIMAL_SEPARATOR = "٫"
THOUSAND_SEPARATOR = "٬"
NUMBER_GROUPING = 3
