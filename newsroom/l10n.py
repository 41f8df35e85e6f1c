"""Dates, times and numbers as each edition's readers write them.

Month names and separators come from Django's locale formats (newsroom/formats on top of
them, FORMAT_MODULE_PATH). The date formats the reader pages use are messages of their own
(context "date format"), so a translator sets the order and punctuation of each language:
"3 December 2026, 14:05" is "3 ديسمبر 2026، 14:05" in Arabic. The digits are the edition's
where that is the convention (settings.NATIVE_DIGITS): Persian pages write ۱۴۰۵, Arabic pages
١٤٠٥; Urdu news on the web writes 0-9, as English does.
"""

from django.conf import settings
from django.utils import dateformat, formats, timezone, translation
from django.utils.translation import pgettext_lazy

# The digits 0-9 of each script, by the language that writes them.
DIGITS = {
    "ar": "٠١٢٣٤٥٦٧٨٩",  # Arabic-Indic, U+0660-0669
    "fa": "۰۱۲۳۴۵۶۷۸۹",  # Extended Arabic-Indic (Persian), U+06F0-06F9
    "ur": "۰۱۲۳۴۵۶۷۸۹",  # the same code points; Urdu fonts draw 4, 6 and 7 their own way
}

# The reader pages' date formats (Django's date filter syntax), translated per language.
DATE_FORMATS = {
    "date": pgettext_lazy("date format", "j F Y"),
    "datetime": pgettext_lazy("date format", "j F Y, H:i"),
    "datetime_zone": pgettext_lazy("date format", "j F Y, H:i T"),
    "month": pgettext_lazy("date format", "F Y"),
}


def _language(language=None):
    return (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def native_digits(language=None):
    """The digits 0-9 the edition writes in `language` (the active one), or None for 0-9."""
    language = _language(language)
    if language in settings.NATIVE_DIGITS:
        return DIGITS.get(language)
    return None


def digits(value, language=None):
    """`value` as text, its digits 0-9 written in the edition's own (native_digits)."""
    text = str(value)
    table = native_digits(language)
    if table is None:
        return text
    return text.translate(str.maketrans("0123456789", table))


def date(value, style="datetime"):
    """A date or time in one of the reader pages' DATE_FORMATS, in the active language."""
    if value in (None, ""):
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return digits(dateformat.format(value, str(DATE_FORMATS[style])))


def number(value):
    """A count with the active language's grouping (1,234; ١٬٢٣٤) and digits."""
    return digits(formats.number_format(value, force_grouping=True))
