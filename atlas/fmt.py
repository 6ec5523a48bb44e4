"""Numbers and dates as people read them: 1.234.567 € and 09.06.2022 in German."""

from __future__ import annotations

import math

_SEPARATORS = {"de": (".", ","), "en": (",", ".")}


def number(value, lang: str = "de", decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    thousands, decimal = _SEPARATORS.get(lang, _SEPARATORS["de"])
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)


def euro(value, lang: str = "de") -> str:
    """Whole euros: 1.234.567 € (de) / €1,234,567 (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{number(value, lang)} €" if lang == "de" else f"€{number(value, lang)}"


def euro_millions(value, lang: str = "de", decimals: int = 1) -> str:
    """Large sums: 412,3 Mio. € (de) / €412.3m (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    millions = number(value / 1e6, lang, decimals=decimals)
    return f"{millions} Mio. €" if lang == "de" else f"€{millions}m"


def date(iso, lang: str = "de") -> str:
    """ISO text of any precision: 2022-06-09 -> 09.06.2022, 2022-11 -> 11.2022, 2027 -> 2027."""
    if iso is None or (isinstance(iso, float) and math.isnan(iso)) or str(iso) in ("", "NaT"):
        return "–"
    text = str(iso)[:10]
    parts = text.split("-")
    if lang == "en":
        return text
    return ".".join(reversed(parts))


def date_input_format(lang: str) -> str:
    """How a date picker shows its date: German day first, otherwise ISO."""
    return "DD.MM.YYYY" if lang == "de" else "YYYY-MM-DD"
