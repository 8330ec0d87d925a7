"""Numbers as the reader's language writes them: Vietnamese groups thousands with '.' and
writes decimals with ',' and a space before '%' (453.763; 99,03 %); English the other way round
(453,763; 99.03%). Rates are stored as fractions and shown in percent."""

from __future__ import annotations

# the scorecard's units (mart_province_scorecard.unit) in English; 'tỷ lệ' is shown as %
UNITS_EN = {
    "hồ sơ": "dossiers",
    "thủ tục": "procedures",
    "cuộc": "meetings",
    "buổi": "sessions",
    "suất": "items",
    "căn": "houses",
    "đồng": "VND",
    "mô hình": "models",
    "điểm": "points",
    "tỷ lệ": "%",
}
RATE, POINTS = "tỷ lệ", "điểm"


def _grouped(value: float, decimals: int, lang: str) -> str:
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_number(value: float | None, unit: str = "", lang: str = "vi") -> str:
    """A figure of the scorecard (or any count) in `lang` ('vi' or 'en'); '—' for no value."""
    if value is None:
        return "—"
    if unit == RATE:
        percent = _grouped(value * 100, 2, lang)
        return f"{percent} %" if lang == "vi" else f"{percent}%"
    if unit == POINTS or not float(value).is_integer():
        return _grouped(value, 2, lang)
    return _grouped(value, 0, lang)


def unit_label(unit: str, lang: str) -> str:
    if unit == RATE:
        return "%"
    return unit if lang == "vi" else UNITS_EN.get(unit, unit)
