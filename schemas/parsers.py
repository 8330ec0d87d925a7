"""Value parsers as polars expressions over String columns.

Each parser returns a typed expression that is null where the text cannot be read; the ingest
compares it with the raw text to report exactly which cells failed (see `parse_failed`).
"""

import datetime as dt

import polars as pl

from schemas.text import key_expr, normalise_key

_DATETIME_FORMATS = (
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %I:%M:%S %p",  # a 12-hour clock, as a US-locale Excel writes it
    "%d/%m/%Y %I:%M %p",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S%.f",  # seconds with or without a fraction (milliseconds)
    "%Y-%m-%dT%H:%M:%S%.f",  # ISO, as the national portal's sync payload writes it
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y%m%d%H%M%S",
)
_ZONED = "%Y-%m-%dT%H:%M:%S%.f%#z"  # ISO with an offset or Z: converted to local time
LOCAL_TIME_ZONE = "Asia/Ho_Chi_Minh"
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Excel serials from 1990 to 2100: five digits, optional fraction for the time of day.
_EXCEL_SERIAL = r"^\d{5}(\.\d+)?$"
_MIN_YEAR, _MAX_YEAR = 1990, 2100


_DATE_ONLY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
END_OF_DAY = dt.timedelta(hours=23, minutes=59, seconds=59)


def _at_end_of_day(parsed: pl.Expr, fmt: str, end_of_day: bool) -> pl.Expr:
    """A date written without a time, as the end of that day (a due date: INDICATORS §A)."""
    return parsed + END_OF_DAY if end_of_day and fmt in _DATE_ONLY_FORMATS else parsed


def parse_datetime(raw: pl.Expr, end_of_day: bool = False) -> pl.Expr:
    """dd/MM/yyyy[ HH:mm[:ss]], yyyy-MM-dd[ HH:mm[:ss[.fff]]] with a space or a T (and an
    offset, converted to local time), yyyyMMddHHmmss, Excel serials. A date without a time is
    its midnight, or with `end_of_day` 23:59:59 (a written 00:00 stays midnight)."""
    # a Vietnamese-locale Excel writes the 12-hour clock's AM/PM as SA (sáng) / CH (chiều)
    text = (
        raw.str.strip_chars().str.replace(r"(?i)\s(SA)$", " AM").str.replace(r"(?i)\s(CH)$", " PM")
    )
    candidates = [
        _at_end_of_day(text.str.strptime(pl.Datetime("us"), fmt, strict=False), fmt, end_of_day)
        for fmt in _DATETIME_FORMATS
    ]
    zoned = (
        text.str.strptime(pl.Datetime("us", "UTC"), _ZONED, strict=False)
        .dt.convert_time_zone(LOCAL_TIME_ZONE)
        .dt.replace_time_zone(None)
    )
    candidates.append(zoned)
    serial_days = pl.when(text.str.contains(_EXCEL_SERIAL)).then(
        text.cast(pl.Float64, strict=False)
    )
    from_serial = pl.lit(_EXCEL_EPOCH) + pl.duration(
        milliseconds=(serial_days * 86_400_000).round(0).cast(pl.Int64)
    )
    if end_of_day:  # a whole serial is a date cell
        whole = text.str.contains(r"^\d{5}$")
        from_serial = pl.when(whole).then(from_serial + END_OF_DAY).otherwise(from_serial)
    return _plausible(pl.coalesce(*candidates, from_serial))


def _plausible(parsed: pl.Expr) -> pl.Expr:
    """A date outside 1990–2100 is a typing error, not a value: null."""
    return pl.when(parsed.dt.year().is_between(_MIN_YEAR, _MAX_YEAR)).then(parsed)


def guess_datetime_format(values: pl.Series) -> str | None:
    """The format that reads most of the first non-empty values of a column (a fast path: rows
    it cannot read still go through every format)."""
    sample = values.drop_nulls().head(200)
    if sample.is_empty():
        return None
    scores = {
        fmt: sample.str.strptime(pl.Datetime("us"), fmt, strict=False).is_not_null().sum()
        for fmt in _DATETIME_FORMATS
    }
    best = max(scores, key=scores.get)
    return best if scores[best] else None


def parse_datetime_as(text: pl.Expr, fmt: str, end_of_day: bool = False) -> pl.Expr:
    parsed = text.str.strptime(pl.Datetime("us"), fmt, strict=False)
    return _plausible(_at_end_of_day(parsed, fmt, end_of_day))


_SLASHED = r"^(\d{1,2})/(\d{1,2})/(\d{4})"
_DAY = r"(?:1[3-9]|2\d|3[01])"  # a part that can only be a day
_DAY_FIRST = rf"^{_DAY}/\d{{1,2}}/\d{{4}}"
_DAY_SECOND = rf"^\d{{1,2}}/{_DAY}/\d{{4}}"


def month_first(cleaned: pl.DataFrame, columns: list[str]) -> bool:
    """Whether a file's slashed dates are m/d/yyyy (a US-locale Excel): some date has a
    second part above 12 and none a first part above 12. Decided once per file, for all its
    date columns, so that one file is never read half one way and half the other."""
    present = [c for c in columns if c in cleaned.columns]
    if not present:
        return False
    found = cleaned.select(
        pl.any_horizontal(pl.col(c).str.contains(_DAY_SECOND).any() for c in present).alias("m"),
        pl.any_horizontal(pl.col(c).str.contains(_DAY_FIRST).any() for c in present).alias("d"),
    )
    return bool(found["m"][0]) and not bool(found["d"][0])


def swap_day_month(text: pl.Expr) -> pl.Expr:
    """m/d/yyyy[ time] as d/m/yyyy[ time]."""
    return text.str.replace(_SLASHED, "${2}/${1}/${3}")


def parse_date(raw: pl.Expr) -> pl.Expr:
    return parse_datetime(raw).dt.date()


_CURRENCY = r"(?i)\s*(vnđ|vnd|đồng|đ)\s*$"
_VN_THOUSANDS = r"^-?\d{1,3}(\.\d{3})+(,\d+)?$"  # 1.234.567 or 1.234.567,5
_EN_THOUSANDS = r"^-?\d{1,3}(,\d{3}){2,}(\.\d+)?$|^-?\d{1,3}(,\d{3})+\.\d+$"  # 1,234,567
_AMBIGUOUS = r"^-?\d{1,3},\d{3}$"  # 1,234: thousands or decimal? rejected
_COMMA_DECIMAL = r"^-?\d+,\d+$"
_PLAIN = r"^-?\d+(\.\d+)?$"


def parse_number(raw: pl.Expr) -> pl.Expr:
    """Vietnamese-formatted numbers: 1.234.567, 1.234.567,5, 1,234,567, 1234.5, with or without
    đ / VNĐ / đồng. `1,234` is ambiguous and yields null."""
    text = (
        raw.str.strip_chars()
        .str.replace_all("\u00a0", "")
        .str.replace(_CURRENCY, "")
        .str.replace_all(" ", "")
    )
    canonical = (
        pl.when(text.str.contains(_VN_THOUSANDS))
        .then(text.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(text.str.contains(_EN_THOUSANDS))
        .then(text.str.replace_all(",", ""))
        .when(text.str.contains(_AMBIGUOUS))
        .then(None)
        .when(text.str.contains(_COMMA_DECIMAL))
        .then(text.str.replace(",", "."))
        .when(text.str.contains(_PLAIN))
        .then(text)
    )
    return canonical.cast(pl.Float64, strict=False)


def parse_int(raw: pl.Expr) -> pl.Expr:
    number = parse_number(raw)
    return pl.when(number == number.floor()).then(number).cast(pl.Int64, strict=False)


_YES = ("có", "x", "1", "yes", "y", "true", "đúng", "c")
_NO = ("không", "0", "no", "n", "false", "k", "sai")


def parse_bool(raw: pl.Expr) -> pl.Expr:
    """Có/Không, x/blank, 1/0, Yes/No. Blank is handled by the column default."""
    key = key_expr(raw)
    return (
        pl.when(key.is_in(list(_YES)))
        .then(pl.lit(True))
        .when(key.is_in(list(_NO)))
        .then(pl.lit(False))
    )


def parse_enum(raw: pl.Expr, mapping: dict[str, object], dtype: pl.DataType) -> pl.Expr:
    """Map labels (compared by `normalise_key`) to canonical values; unknown labels → null."""
    keyed = {normalise_key(k): v for k, v in mapping.items()}
    return key_expr(raw).replace_strict(keyed, default=None, return_dtype=dtype)


def parse_failed(raw: pl.Expr, parsed: pl.Expr) -> pl.Expr:
    """True where a cell had text but the parser could not read it."""
    return raw.is_not_null() & parsed.is_null()
