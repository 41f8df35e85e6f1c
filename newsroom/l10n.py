"""Dates, times and numbers as each edition's readers write them.

Month names and separators come from Django's locale formats (newsroom/formats on top of
them, FORMAT_MODULE_PATH). The date formats the reader pages use are messages of their own
(context "date format"), so a translator sets the order and punctuation of each language:
"3 December 2026, 14:05" is "3 ديسمبر 2026، 14:05" in Arabic. The digits are the edition's
where that is the convention (settings.NATIVE_DIGITS): Persian pages write ۱۴۰۵, Arabic pages
١٤٠٥; Urdu news on the web writes 0-9, as English does. Persian pages date stories in the
Solar Hijri calendar, as the Iranian press does (settings.SOLAR_HIJRI_DATES).
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
    """A date or time in one of the reader pages' DATE_FORMATS, in the active language, and in
    its calendar where settings.SOLAR_HIJRI_DATES says so (a month archive keeps the Gregorian
    month its address names)."""
    if value in (None, ""):
        return ""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    layout = str(DATE_FORMATS[style])
    if style != "month" and _language() in settings.SOLAR_HIJRI_DATES:
        layout = solar_hijri_layout(value, layout)
    return digits(dateformat.format(value, layout))


# The Solar Hijri calendar, which Iran's press dates by: "۱۲ آذر ۱۴۰۵" is 3 December 2026.
SOLAR_HIJRI_MONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]
_DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]


def solar_hijri(day):
    """(year, month, day) in the Solar Hijri calendar of a Gregorian date: the arithmetic
    (33-year cycle) rule Iran's official calendar matches for 1178-1633 (1799-2256)."""
    gy, gm, gd = day.year, day.month, day.day
    gy2 = gy + 1 if gm > 2 else gy
    days = (
        355666
        + 365 * gy
        + (gy2 + 3) // 4
        - (gy2 + 99) // 100
        + (gy2 + 399) // 400
        + gd
        + _DAYS_BEFORE_MONTH[gm - 1]
    )
    year = -1595 + 33 * (days // 12053)
    days %= 12053
    year += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        year += (days - 1) // 365
        days = (days - 1) % 365
    if days < 186:
        return year, 1 + days // 31, 1 + days % 31
    return year, 7 + (days - 186) // 30, 1 + (days - 186) % 30


def solar_hijri_layout(value, layout):
    """`layout` (Django's date format) with its day, month and year written out, escaped, in
    the Solar Hijri calendar; the rest (times, zones, weekdays) is left to Django."""
    year, month, day = solar_hijri(value)
    parts = {
        "j": str(day),
        "d": f"{day:02d}",
        "n": str(month),
        "m": f"{month:02d}",
        "F": SOLAR_HIJRI_MONTHS[month - 1],
        "N": SOLAR_HIJRI_MONTHS[month - 1],
        "E": SOLAR_HIJRI_MONTHS[month - 1],
        "M": SOLAR_HIJRI_MONTHS[month - 1],
        "Y": str(year),
        "y": f"{year % 100:02d}",
    }
    out, chars = [], iter(layout)
    for char in chars:
        if char == "\\":
            out.append(char + next(chars, ""))
        elif char in parts:
            out.extend("\\" + c for c in parts[char])
        else:
            out.append(char)
    return "".join(out)


def number(value):
    """A count with the active language's grouping (1,234; ١٬٢٣٤) and digits."""
    return digits(formats.number_format(value, force_grouping=True))
