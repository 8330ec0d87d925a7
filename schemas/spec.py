"""`SourceSpec`: everything that differs between sources, as data.

One generic ingest path (warehouse/ingest.py) reads, parses, validates and splits every source
from its spec; adding a source is a new spec and a pandera model, not new ingest code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pandera.polars as pa
import polars as pl

from schemas import parsers
from schemas.text import normalise_key

Kind = Literal[
    "text", "date", "datetime", "int", "number", "bool", "enum", "pii_drop", "pii_hash", "ignore"
]
PeriodKind = Literal["month", "quarter", "year", "date"]

_DTYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us"),
    "int": pl.Int64(),
    "number": pl.Float64(),
    "bool": pl.Boolean(),
    "pii_hash": pl.String(),
}
_EXPECTED: dict[str, str] = {
    "date": "a date (dd/MM/yyyy, yyyy-MM-dd or an Excel date)",
    "datetime": "a date/time (dd/MM/yyyy HH:mm, yyyy-MM-dd HH:mm:ss, yyyyMMddHHmmss…)",
    "int": "a whole number",
    "number": "a number (1.234.567 or 1.234.567,5)",
    "bool": "yes/no (Có/Không, x, 1/0)",
}
_ERROR_CODES: dict[str, str] = {
    "date": "not_a_date",
    "datetime": "not_a_date",
    "int": "not_a_number",
    "number": "not_a_number",
    "bool": "not_yes_no",
}


@dataclass(frozen=True)
class Column:
    """One column of a source: its Vietnamese header, aliases and how to read its cells."""

    name: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: Kind = "text"
    required: bool = False  # the header must be present in the file
    mapping: dict[str, object] | None = None  # enum: label → canonical value
    enum_dtype: pl.DataType | None = None
    default: object = None  # value for a blank cell
    clean: Callable[[pl.Expr], pl.Expr] | None = None  # extra text clean-up before parsing
    # A file without this column leaves it NULL (unknown) instead of the default: the index
    # of Decision 766 must tell "the export does not say" (not assessable) from "no".
    absent_is_unknown: bool = False
    # A datetime written as a date alone means the end of that day (a due date), not midnight.
    date_only_is_end_of_day: bool = False
    # A cell merged down several rows stands for each of them (a unit over its activities).
    merged_fills_down: bool = False
    # Free text typed by people: scrubbed of ID-, phone- and name-shaped content at ingest.
    free_text: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    @property
    def dtype(self) -> pl.DataType | None:
        if self.kind == "enum":
            return self.enum_dtype or pl.String()
        return _DTYPES.get(self.kind)

    @property
    def is_textual(self) -> bool:
        """Holds letters (names, labels): NFC matters. Dates and numbers are ASCII and only
        need trimming, which saves normalising millions of cells."""
        return self.kind not in ("date", "datetime", "int", "number")

    def parse(self, text: pl.Expr) -> pl.Expr:
        """Typed value of a cleaned cell (NFC, trimmed, blank = null); null where unreadable,
        the column default where blank."""
        if self.clean is not None:
            text = self.clean(text)
        if self.kind in ("text", "pii_hash"):
            parsed = text
        elif self.kind == "date":
            parsed = parsers.parse_date(text)
        elif self.kind == "datetime":
            parsed = parsers.parse_datetime(text, self.date_only_is_end_of_day)
        elif self.kind == "int":
            parsed = parsers.parse_int(text)
        elif self.kind == "number":
            parsed = parsers.parse_number(text)
        elif self.kind == "bool":
            parsed = parsers.parse_bool(text)
        elif self.kind == "enum":
            parsed = parsers.parse_enum(text, self.mapping or {}, self.dtype)
        else:
            raise ValueError(f"column {self.name}: kind {self.kind} has no parsed value")
        return self._typed(text, parsed)

    def parse_fast(self, text: pl.Expr, sample: pl.Series) -> pl.Expr | None:
        """A cheaper reading that is right wherever it gives a value: one date format (the
        column's dominant one), plain integers. None when the column has no such path; rows
        the fast path leaves empty are parsed again with `parse`."""
        if self.clean is not None:
            return None
        if self.kind in ("date", "datetime"):
            fmt = parsers.guess_datetime_format(sample)
            if fmt is None:
                return None
            parsed = parsers.parse_datetime_as(text, fmt, self.date_only_is_end_of_day)
            parsed = parsed.dt.date() if self.kind == "date" else parsed
        elif self.kind in ("int", "number"):
            parsed = text.cast(pl.Int64, strict=False)
        else:
            return None
        return self._typed(text, parsed)

    def _typed(self, text: pl.Expr, parsed: pl.Expr) -> pl.Expr:
        """The column default where the cell is blank, in the column's type and name."""
        if self.default is not None:
            parsed = pl.when(text.is_null()).then(pl.lit(self.default)).otherwise(parsed)
        return parsed.cast(self.dtype).alias(self.name)

    @property
    def can_fail_parsing(self) -> bool:
        return self.kind not in ("text", "pii_hash", "pii_drop", "ignore")

    @property
    def parse_error_code(self) -> str:
        """The reason code of a cell this column's parser cannot read (schemas/reasons.py)."""
        return _ERROR_CODES.get(self.kind, "not_in_list")

    def parse_error(self, text: pl.Expr, parsed: pl.Expr) -> pl.Expr:
        """A readable reason where a non-blank cleaned cell has no parsed value, else null.
        It names the column and what was expected, never the cell (it may hold anything)."""
        if self.kind == "enum":
            allowed = ", ".join(sorted({str(k) for k in (self.mapping or {})})[:12])
            expected = f"one of: {allowed}"
        else:
            expected = _EXPECTED[self.kind]
        return (
            pl.when(parsers.parse_failed(text, parsed))
            .then(pl.lit(f"{self.header}: the cell is not {expected}"))
            .otherwise(pl.lit(None, pl.String))
        )


@dataclass(frozen=True)
class SourceSpec:
    """A source export: where its files land, how they are named, and what they hold."""

    name: str  # also the staging folder and the Dagster asset suffix
    title: str  # human description (Vietnamese — English)
    folder: str  # sub-folder of the landing directory
    file_pattern: str  # regex on the file stem; groups: period, optional stamp, other slot parts
    period_kind: PeriodKind
    columns: tuple[Column, ...]
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]  # natural key within one delivery
    period_column: str | None = None  # must fall inside the file's period
    # (unit code column, date column) or (unit code column, from column, to column): the code
    # must be in force on the date, or at some time between the two dates
    unit_checks: tuple[tuple[str, ...], ...] = ()
    # (level column, date column[, to column]): a level that did not exist on the date (a
    # district after the 2025 reform, a special zone before it) is quarantined
    level_checks: tuple[tuple[str, ...], ...] = ()
    # dates the working-day calendar must cover (deadlines are counted on it); and dates that
    # may precede it (a law in force before 2015) but not follow it
    calendar_columns: tuple[str, ...] = ()
    calendar_end_columns: tuple[str, ...] = ()
    min_header_matches: int = 3
    sheet_names: tuple[str, ...] = ()
    # extra typed columns from the parsed frame, the ingest context (lookups) and the period
    derive: Callable[[pl.DataFrame, Any, str], pl.DataFrame] | None = None
    extra_columns: dict[str, pl.DataType] = field(default_factory=dict)  # what derive adds
    name_columns: dict[str, str] = field(default_factory=dict)  # file-name group → column
    totals_columns: tuple[str, ...] = ()  # reconciled against a "Tổng cộng" row

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.file_pattern + r"(?:__(?P<stamp>\d{14}))?", re.IGNORECASE)

    @property
    def kept_columns(self) -> tuple[Column, ...]:
        """Columns stored in staging: everything but dropped personal data and ignored cells."""
        return tuple(c for c in self.columns if c.kind not in ("pii_drop", "ignore"))

    @property
    def free_text_columns(self) -> list[str]:
        """Columns people type free text in: scrubbed of personal data at ingest."""
        return [c.name for c in self.columns if c.free_text]

    @property
    def hashed_columns(self) -> list[str]:
        """ID-number columns: kept only as HMAC-SHA256 with the PII key."""
        return [c.name for c in self.columns if c.kind == "pii_hash"]

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    def unknown_when_absent(self, missing_headers: list[str]) -> list[Column]:
        """Columns missing from a file whose values are then unknown, not their default."""
        return [c for c in self.columns if c.absent_is_unknown and c.header in missing_headers]

    def label(self, column: str) -> str:
        """The Vietnamese header of a column, or its name for derived columns."""
        return next((c.header for c in self.columns if c.name == column), column)

    def header_index(self) -> dict[str, Column]:
        return {normalise_key(h): c for c in self.columns for h in c.headers}

    def staging_schema(self) -> dict[str, pl.DataType]:
        schema = {c.name: c.dtype for c in self.kept_columns}
        schema.update(self.extra_columns)
        schema.update({column: pl.String() for column in self.name_columns.values()})
        schema.update(META_COLUMNS)
        return schema

    def empty_staging(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.staging_schema())


META_COLUMNS: dict[str, pl.DataType] = {
    "period": pl.String(),
    "source_file": pl.String(),
    "row_number": pl.Int64(),
    "exported_at": pl.Datetime("us"),
}


def period_bounds(kind: PeriodKind, period: str) -> tuple[dt.date, dt.date] | None:
    """[start, end) of a period key; None for snapshot dates (no window rule)."""
    if kind == "month":
        year, month = map(int, period.split("-"))
        start = dt.date(year, month, 1)
        end = dt.date(year + month // 12, month % 12 + 1, 1)
    elif kind == "quarter":
        year, quarter = int(period[:4]), int(period[-1])
        start = dt.date(year, 3 * quarter - 2, 1)
        end = dt.date(year + quarter // 4, (3 * quarter) % 12 + 1, 1)
    elif kind == "year":
        start, end = dt.date(int(period), 1, 1), dt.date(int(period) + 1, 1, 1)
    else:
        return None
    return start, end
