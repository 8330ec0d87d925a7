"""The rules of the ingest, in bulk on a frame of one file (or one chunk of it): every column
parsed, pandera's verdicts, the period, export-date and admin-unit rules, each returned as
long-form failures (row, column, reason); and the two rules that span a file, duplicate keys
and the totals row."""

from __future__ import annotations

import datetime as dt

import pandera.errors as pa_errors
import polars as pl

from schemas.common import ONLY_BEFORE_REFORM, ONLY_FROM_REFORM, REFORM_DATE
from schemas.reading import ROW
from schemas.spec import SourceSpec, period_bounds
from schemas.text import clean_text_expr
from warehouse.calendar import FIRST_DAY, LAST_DAY

FAILURES = {"row": pl.Int64, "column": pl.String, "reason": pl.String, "reason_code": pl.String}
EXCEL_ERRORS = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!")


def _parse_distinct(column, values: pl.Series) -> pl.Series:
    """Labels, flags and codes repeat: each distinct text is parsed once, then looked up."""
    distinct = pl.DataFrame({"text": values.unique()})
    lookup = distinct.with_columns(column.parse(pl.col("text")))
    rows = pl.DataFrame({"text": values}).join(
        lookup, on="text", how="left", nulls_equal=True, maintain_order="left"
    )
    return rows.get_column(column.name)


def typed_cells(spec: SourceSpec, cleaned: pl.DataFrame) -> pl.DataFrame:
    """Every column parsed. Dates in the column's usual format and plain integers take a fast
    path; only the rows it leaves unread (other formats, typing errors) get the full parsers."""
    fast_columns, expressions, by_distinct = [], [], []
    for column in spec.kept_columns:
        fast = column.parse_fast(pl.col(column.name), cleaned.get_column(column.name))
        if fast is not None:
            fast_columns.append(column.name)
            expressions.append(fast)
        elif column.kind in ("enum", "bool") or column.clean is not None:
            by_distinct.append(column)
        else:
            expressions.append(column.parse(pl.col(column.name)))
    typed = cleaned.select(ROW, *expressions).with_columns(
        _parse_distinct(c, cleaned.get_column(c.name)) for c in by_distinct
    )
    typed = typed.select(ROW, *(c.name for c in spec.kept_columns))
    if not fast_columns:
        return typed
    texts = cleaned.select(ROW, *(pl.col(n).alias(f"__text_{n}") for n in fast_columns))
    unread = pl.any_horizontal(
        *(pl.col(n).is_null() & pl.col(f"__text_{n}").is_not_null() for n in fast_columns)
    )
    again = typed.join(texts, on=ROW).filter(unread).select(ROW)
    if again.height == 0:
        return typed
    redone = cleaned.join(again, on=ROW, how="semi").select(
        ROW, *(c.parse(pl.col(c.name)) for c in spec.kept_columns)
    )
    return pl.concat([typed.join(again, on=ROW, how="anti"), redone]).sort(ROW)


# ---------------------------------------------------------------- rules → long-form failures


def parse_failures(spec: SourceSpec, cleaned: pl.DataFrame, typed: pl.DataFrame) -> pl.DataFrame:
    """Cells with text that the column's parser could not read (typed value null)."""
    columns = [c for c in spec.kept_columns if c.can_fail_parsing]
    both = pl.concat(
        [cleaned.select(pl.col(c.name).alias(f"__text_{c.name}") for c in columns), typed],
        how="horizontal",
    )
    parts = [
        both.select(
            pl.col(ROW).alias("row"),
            pl.lit(c.name).alias("column"),
            c.parse_error(pl.col(f"__text_{c.name}"), pl.col(c.name)).alias("reason"),
            pl.lit(c.parse_error_code).alias("reason_code"),
        ).drop_nulls("reason")
        for c in columns
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=FAILURES)


_CHECK_TEXT = (
    ("not_nullable", "is required but empty", "required_empty"),
    ("isin", "is not an allowed value", "not_in_list"),
    ("str_matches", "does not have the expected form", "bad_form"),
    ("greater_than_or_equal_to", "must be ≥ {arg}", "out_of_range"),
    ("less_than_or_equal_to", "must be ≤ {arg}", "out_of_range"),
    ("greater_than", "must be > {arg}", "out_of_range"),
    ("in_range", "is out of range {arg}", "out_of_range"),
)
# the row-level checks of the models (@pa.dataframe_check) whose code is not the generic one
_FRAME_CHECK_CODES = (("names no single unit", "unknown_unit"),)


def _describe_check(check: str) -> tuple[str, str]:
    """(text, reason code) of a pandera check."""
    for prefix, text, reason_code in _CHECK_TEXT:
        if check.startswith(prefix):
            arg = check[len(prefix) :].strip("()")
            return text.format(arg=arg), reason_code
    found = (c for fragment, c in _FRAME_CHECK_CODES if fragment in check)
    return check, next(found, "inconsistent_row")


def cell_failures(spec: SourceSpec, problems: pl.DataFrame | None) -> pl.DataFrame:
    """Cells a workbook gives no value for: an Excel error, a formula saved uncalculated."""
    if problems is None or problems.height == 0:
        return pl.DataFrame(schema=FAILURES)
    headers = {c.name: c.header for c in spec.columns}
    error = pl.col("kind") == "error"
    return problems.select(
        pl.col("row"),
        pl.col("column"),
        pl.format(
            "{}: {}",
            pl.col("column").replace_strict(headers, return_dtype=pl.String),
            pl.when(error)
            .then(pl.lit("the cell holds an Excel error value (#N/A, #REF!…) instead of a value"))
            .otherwise(
                pl.lit("a formula saved without its calculated value (open the file in Excel, ")
                + pl.lit("let it calculate, save it again)")
            ),
        ).alias("reason"),
        pl.when(error)
        .then(pl.lit("excel_error"))
        .otherwise(pl.lit("formula_no_value"))
        .alias("reason_code"),
    )


def excel_error_failures(spec: SourceSpec, cleaned: pl.DataFrame) -> pl.DataFrame:
    """Cells holding an Excel error value (#N/A, #REF!…) where a value should be: never read
    as a code or a label, whatever the column's type."""
    parts = [
        cleaned.filter(pl.col(c.name).str.starts_with("#"))  # cheap: few cells pass
        .filter(pl.col(c.name).str.to_uppercase().is_in(EXCEL_ERRORS))
        .select(
            pl.col(ROW).alias("row"),
            pl.lit(c.name).alias("column"),
            pl.format(
                "{}: the cell holds the Excel error {} instead of a value",
                pl.lit(c.header),
                pl.col(c.name).str.to_uppercase(),
            ).alias("reason"),
            pl.lit("excel_error").alias("reason_code"),
        )
        for c in spec.kept_columns
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=FAILURES)


def schema_failures(spec: SourceSpec, typed: pl.DataFrame) -> pl.DataFrame:
    try:
        spec.model.validate(typed, lazy=True)
        return pl.DataFrame(schema=FAILURES)
    except pa_errors.SchemaErrors as errors:
        cases = errors.failure_cases.filter(pl.col("index").is_not_null())
    headers = {c.name: c.header for c in spec.columns}
    is_frame_check = pl.col("schema_context") == "DataFrameSchema"
    described = cases.select(
        row=pl.col("index"),
        # frame-level checks name their columns in parentheses: "… (due_at) … (received_at)"
        column=pl.when(is_frame_check)
        .then(
            pl.col("check")
            .str.extract_all(r"\((\w+)\)")
            .list.eval(pl.element().str.strip_chars("()"))
            .list.join(", ")
        )
        .otherwise(pl.col("column")),
        check=pl.col("check"),
        value=pl.col("failure_case"),
        frame_check=is_frame_check,
    )
    # failure indices are positions in `typed`; map them to file row numbers in bulk
    positions = typed.select(pl.int_range(pl.len(), dtype=pl.Int32).alias("index"), ROW)
    described = described.join(positions, left_on="row", right_on="index").drop("row")
    checks = described.get_column("check").unique().to_list()
    described_checks = [_describe_check(c) for c in checks]
    texts = pl.DataFrame(
        {
            "check": checks,
            "text": [text for text, _ in described_checks],
            "reason_code": [reason_code for _, reason_code in described_checks],
        }
    )
    described = described.join(texts, on="check", how="left")
    header = pl.col("column").replace_strict(headers, default=pl.col("column"))
    # the reason names the column and the rule, never the cell (it may hold anything)
    reason = pl.when(pl.col("frame_check")).then(pl.col("text"))
    reason = reason.otherwise(pl.format("{} {}", header, pl.col("text")))
    return described.select(
        pl.col(ROW).alias("row"), "column", reason.alias("reason"), "reason_code"
    )


def period_failures(spec: SourceSpec, typed: pl.DataFrame, period: str) -> pl.DataFrame:
    bounds = period_bounds(spec.period_kind, period)
    if spec.period_column is None or bounds is None:
        return pl.DataFrame(schema=FAILURES)
    start, end = bounds
    column = spec.period_column
    value = pl.col(column).cast(pl.Date)
    header = spec.label(column)
    return typed.filter(value.is_not_null() & ((value < start) | (value >= end))).select(
        pl.col(ROW).alias("row"),
        pl.lit(column).alias("column"),
        pl.format(
            "{}: {} is outside the file's period {} ({} – {})",
            pl.lit(header),
            value.cast(pl.String),
            pl.lit(period),
            pl.lit(start.isoformat()),
            pl.lit((end - dt.timedelta(days=1)).isoformat()),
        ).alias("reason"),
        pl.lit("outside_period").alias("reason_code"),
    )


def future_failures(
    spec: SourceSpec, typed: pl.DataFrame, exported_at: dt.datetime
) -> pl.DataFrame:
    """A date after the file was exported cannot be a real event: a typing error."""
    if spec.period_column is None:
        return pl.DataFrame(schema=FAILURES)
    column = spec.period_column
    value = pl.col(column).cast(pl.Datetime("us"))
    limit = exported_at + dt.timedelta(days=1)
    return typed.filter(value > limit).select(
        pl.col(ROW).alias("row"),
        pl.lit(column).alias("column"),
        pl.format(
            "{}: {} is after the file was exported ({}): a date in the future",
            pl.lit(spec.label(column)),
            pl.col(column).cast(pl.String),
            pl.lit(exported_at.date().isoformat()),
        ).alias("reason"),
        pl.lit("future_date").alias("reason_code"),
    )


def calendar_failures(spec: SourceSpec, typed: pl.DataFrame) -> pl.DataFrame:
    """Dates the working-day calendar does not cover: a deadline could not be counted on them
    (warehouse/calendar.py), so the row is held with the reason, never counted as late."""
    bounds = [(c, FIRST_DAY) for c in spec.calendar_columns]
    bounds += [(c, None) for c in spec.calendar_end_columns]
    parts = []
    for column, first in bounds:
        value = pl.col(column).cast(pl.Date)
        outside = value > LAST_DAY if first is None else ~value.is_between(first, LAST_DAY)
        parts.append(
            typed.filter(outside).select(
                pl.col(ROW).alias("row"),
                pl.lit(column).alias("column"),
                pl.format(
                    "{}: {} is outside the working-day calendar ({} – {})",
                    pl.lit(spec.label(column)),
                    value.cast(pl.String),
                    pl.lit("…" if first is None else first.isoformat()),
                    pl.lit(LAST_DAY.isoformat()),
                ).alias("reason"),
                pl.lit("outside_calendar").alias("reason_code"),
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame(schema=FAILURES)


def _span(columns: tuple[str, ...]) -> tuple[pl.Expr, pl.Expr]:
    """The dates a row's check spans: one date column, or a from and a to column."""
    first, last = columns[0], columns[-1]
    return pl.col(first).cast(pl.Date), pl.col(last).cast(pl.Date)


def unit_failures(spec: SourceSpec, typed: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """A unit code must be one of the scope's units in force on the row's date (or at some time
    within the row's span of dates)."""
    parts = []
    for code_column, *date_columns in spec.unit_checks:
        header = spec.label(code_column)
        since, until = _span(tuple(date_columns))
        rows = typed.select(ROW, code=pl.col(code_column), since=since, until=until).drop_nulls()
        matched = rows.join(units, on="code", how="left").with_columns(
            known=pl.col("valid_from").is_not_null(),
            valid=(
                (pl.col("since") <= pl.col("valid_to")) & (pl.col("until") >= pl.col("valid_from"))
            ).fill_null(False),
        )
        verdict = matched.group_by(ROW, "code", "since", "until").agg(
            pl.col("known").any(), pl.col("valid").any()
        )
        when = (
            pl.when(pl.col("since") == pl.col("until"))
            .then(pl.col("since").cast(pl.String))
            .otherwise(pl.format("{} – {}", pl.col("since"), pl.col("until")))
        )
        parts.append(
            verdict.filter(~pl.col("valid")).select(
                pl.col(ROW).alias("row"),
                pl.lit(code_column).alias("column"),
                pl.when(pl.col("known"))
                .then(
                    pl.format(
                        "{}: the unit is not in force on {} (merged, renamed or abolished)",
                        pl.lit(header),
                        when,
                    )
                )
                .otherwise(pl.format("{}: unknown unit code", pl.lit(header)))
                .alias("reason"),
                pl.when(pl.col("known"))
                .then(pl.lit("unit_not_in_force"))
                .otherwise(pl.lit("unknown_unit"))
                .alias("reason_code"),
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame(schema=FAILURES)


def level_failures(spec: SourceSpec, typed: pl.DataFrame) -> pl.DataFrame:
    """`Huyện` after the 2025 reform (districts were abolished) or `Đặc khu` before it."""
    parts = []
    for level_column, *date_columns in spec.level_checks:
        header = spec.label(level_column)
        since, until = _span(tuple(date_columns))
        level = pl.col(level_column)
        after = level.is_in(list(ONLY_BEFORE_REFORM)) & (since >= pl.lit(REFORM_DATE))
        before = level.is_in(list(ONLY_FROM_REFORM)) & (until < pl.lit(REFORM_DATE))
        parts.append(
            typed.filter(after | before).select(
                pl.col(ROW).alias("row"),
                pl.lit(level_column).alias("column"),
                pl.when(after)
                .then(
                    pl.format(
                        "{}: '{}' dated {}: districts were abolished on {} (two-level local "
                        "government); the levels since then are Tỉnh, Xã and Đặc khu",
                        pl.lit(header),
                        level,
                        since.cast(pl.String),
                        pl.lit(REFORM_DATE.isoformat()),
                    )
                )
                .otherwise(
                    pl.format(
                        "{}: '{}' dated {}: special zones exist only from {}",
                        pl.lit(header),
                        level,
                        until.cast(pl.String),
                        pl.lit(REFORM_DATE.isoformat()),
                    )
                )
                .alias("reason"),
                pl.lit("level_not_in_force").alias("reason_code"),
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame(schema=FAILURES)


def key_conflicts(spec: SourceSpec, good: pl.LazyFrame) -> pl.DataFrame:
    """Same natural key, different content: all but the last row are quarantined. `good` is
    every staged row of the file (across its chunks); only repeated keys are kept in memory."""
    key = list(spec.key)
    if not key:
        return pl.DataFrame(schema=FAILURES)
    # the rows whose key may repeat, collected once (few): the group-by and the join below
    # work on them, not on a plan that names the file's parts twice
    candidates = (
        good.filter(pl.struct(key).hash().is_in(_repeated_hashes(good, key).implode()))
        .select(*key, "row_number")
        .collect(engine="streaming")
    )
    repeated = (
        candidates.group_by(key)
        .agg(pl.len().alias("__rows"), pl.col("row_number").max().alias("__kept"))
        .filter(pl.col("__rows") > 1)
    )
    headers = ", ".join(spec.label(k) for k in key)
    return (
        candidates.join(repeated, on=key, nulls_equal=True)
        .filter(pl.col("row_number") != pl.col("__kept"))
        .select(
            pl.col("row_number").alias("row"),
            pl.lit(",".join(key)).alias("column"),
            pl.format(
                "duplicate {} with different content (row {} kept)",
                pl.lit(headers),
                pl.col("__kept"),
            ).alias("reason"),
            pl.lit("duplicate_key").alias("reason_code"),
        )
        .sort("row")
    )


def _repeated_hashes(good: pl.LazyFrame, key: list[str]) -> pl.Series:
    """The 64-bit hashes of the keys that may stand more than once: every row's key hash,
    sorted, 8 bytes a row. Grouping the key texts of every row instead took 130 bytes a row
    (a 12M-row file: 1.0 → 2.6 GB); the exact judgement then sees only these rows."""
    hashes = good.select(pl.struct(key).hash().alias("h")).collect(engine="streaming")
    ordered = hashes.get_column("h").sort()
    return ordered.filter(ordered == ordered.shift(1)).unique()


def column_sums(spec: SourceSpec, cleaned: pl.DataFrame) -> pl.DataFrame:
    """The totals columns summed over data rows (a chunk's share of the file's sums)."""
    columns = [c for c in spec.columns if c.name in spec.totals_columns]
    return cleaned.select(c.parse(pl.col(c.name)).sum().cast(pl.Float64) for c in columns)


def reconcile_totals(spec: SourceSpec, sums: pl.DataFrame, totals: pl.DataFrame):
    """The last 'Tổng cộng' row against the sum of every data row of the file, per column."""
    columns = [c for c in spec.columns if c.name in spec.totals_columns]
    declared = totals.tail(1).select(c.parse(clean_text_expr(pl.col(c.name))) for c in columns)
    summed = sums.sum()
    parts, ok = [], True
    for c in columns:
        want, got = declared[c.name][0], summed[c.name][0] or 0
        if want is None or abs(float(want) - float(got)) > 0.5:
            ok = False
            shown = "blank" if want is None else f"{want:,.0f}"
            parts.append(f"{c.header}: Tổng cộng row says {shown}, the data rows sum to {got:,.0f}")
    return ok, "; ".join(parts) if parts else "Tổng cộng row matches the data rows"
