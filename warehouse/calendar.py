"""The working-day calendar of Vietnam's civil service, 2015–2035, from pinned reviewed files.

`reference/calendar_vn.csv` lists every day that differs from "Monday–Friday worked, Saturday
and Sunday off" — weekdays off for a public holiday, a compensatory day off (nghỉ bù) or an
official swap, and Saturdays worked in a swap — each with the article or notice it comes from.
`reference/calendar_years.csv` says which years were reviewed against their notice (`pinned`)
and which are `provisional` (statute and lunar calendar only: the Prime Minister has not yet
set their Tết days and swaps). No library and no locale at run time: every machine gets the
same days. A date outside the calendar is an error (`OutsideCalendar`), never a guess.
Review procedure and the deadline rules: docs/calendar.md.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from warehouse.reference import REFERENCE_DIR

FIRST_DAY, LAST_DAY = dt.date(2015, 1, 1), dt.date(2035, 12, 31)
CALENDAR_CSV = REFERENCE_DIR / "calendar_vn.csv"
YEARS_CSV = REFERENCE_DIR / "calendar_years.csv"

FILE_SCHEMA = {
    "date": pl.Date,
    "is_working_day": pl.Boolean,
    "kind": pl.String,
    "name_vi": pl.String,
    "name_en": pl.String,
    "legal_basis": pl.String,
    "verification": pl.String,
}
YEARS_SCHEMA = {
    "year": pl.Int32,
    "status": pl.String,
    "reviewed_on": pl.Date,
    "notices": pl.String,
    "note": pl.String,
}
DAYS_OFF = ("public_holiday", "compensatory_day_off", "swap_day_off")
WORKING_SATURDAY = "swap_working_saturday"
VERIFICATIONS = ("official", "statute", "secondary", "library_only", "estimated")


class OutsideCalendar(ValueError):
    """A date the working-day calendar does not cover."""


class CalendarFileError(ValueError):
    """The pinned calendar files break one of their rules."""


def pinned_days() -> pl.DataFrame:
    """The rows of calendar_vn.csv, checked."""
    days = pl.read_csv(CALENDAR_CSV, schema=FILE_SCHEMA)
    _check_days(days)
    return days


def pinned_years() -> pl.DataFrame:
    """The rows of calendar_years.csv, checked: each year 2015–2035 once; the pinned years come
    first, the years after the last pinned one are provisional."""
    years = pl.read_csv(YEARS_CSV, schema=YEARS_SCHEMA)
    expected = list(range(FIRST_DAY.year, LAST_DAY.year + 1))
    if years["year"].to_list() != expected:
        raise CalendarFileError(
            f"{YEARS_CSV.name}: must list the years {expected[0]}–{expected[-1]} once each, "
            "in order"
        )
    status = years["status"].to_list()
    pinned = status.count("pinned")
    if status != ["pinned"] * pinned + ["provisional"] * (len(status) - pinned):
        raise CalendarFileError(
            f"{YEARS_CSV.name}: status must be 'pinned' for the reviewed years, then "
            "'provisional' for every later year"
        )
    unreviewed = years.filter((pl.col("status") == "pinned") & pl.col("reviewed_on").is_null())
    if unreviewed.height:
        raise CalendarFileError(
            f"{YEARS_CSV.name}: pinned year(s) without reviewed_on: "
            + ", ".join(map(str, unreviewed["year"]))
        )
    return years


def _check_days(days: pl.DataFrame) -> None:
    def fail(rows: pl.DataFrame, rule: str) -> None:
        if rows.height:
            dates = ", ".join(str(d) for d in rows["date"].head(5))
            raise CalendarFileError(f"{CALENDAR_CSV.name}: {rule}: {dates}")

    fail(days.filter(pl.col("date").is_null()), "a row without a date")
    fail(days.filter(pl.col("date").is_duplicated()), "a date listed twice")
    fail(days.filter(~pl.col("date").is_between(FIRST_DAY, LAST_DAY)), "outside the calendar")
    worked_saturday = pl.col("is_working_day") & (pl.col("date").dt.weekday() == 6)
    fail(days.filter(pl.col("is_working_day").is_null()), "is_working_day must be true or false")
    fail(
        days.filter(
            (pl.col("is_working_day") | (pl.col("kind") == WORKING_SATURDAY))
            & ~(worked_saturday & (pl.col("kind") == WORKING_SATURDAY))
        ),
        f"only a Saturday of kind {WORKING_SATURDAY} is worked",
    )
    fail(
        days.filter(~pl.col("is_working_day") & (pl.col("date").dt.weekday() >= 6)),
        "a weekend day is off anyway: list only weekdays off",
    )
    fail(
        days.filter(~pl.col("kind").is_in([*DAYS_OFF, WORKING_SATURDAY])),
        "unknown kind (allowed: " + ", ".join([*DAYS_OFF, WORKING_SATURDAY]) + ")",
    )
    fail(
        days.filter(~pl.col("verification").is_in(VERIFICATIONS)),
        "unknown verification (allowed: " + ", ".join(VERIFICATIONS) + ")",
    )
    fail(
        days.filter(pl.col("legal_basis").is_null() | pl.col("name_vi").is_null()),
        "every day needs its legal basis and its Vietnamese name",
    )


def calendar() -> pl.DataFrame:
    """One row per day 2015–2035: date, is_working_day, holiday_name (English; NULL on working
    days), working_day_index (cumulative working days: the n-th working day after d is the
    first date whose index is index(d) + n), then holiday_name_vi, day_kind (`working_day`,
    `weekend`, or the file's kind), legal_basis, verification and year_status (`pinned` /
    `provisional`)."""
    days = pl.DataFrame({"date": pl.date_range(FIRST_DAY, LAST_DAY, eager=True)})
    years = pinned_years().select(pl.col("year"), pl.col("status").alias("year_status"))
    weekend = pl.col("date").dt.weekday() >= 6
    return (
        days.join(pinned_days(), on="date", how="left")
        .with_columns(
            is_working_day=pl.coalesce("is_working_day", ~weekend),
            day_kind=pl.coalesce(
                "kind", pl.when(weekend).then(pl.lit("weekend")).otherwise(pl.lit("working_day"))
            ),
            year=pl.col("date").dt.year().cast(pl.Int32),
        )
        .with_columns(
            holiday_name=pl.when(~pl.col("is_working_day")).then("name_en"),
            holiday_name_vi=pl.when(~pl.col("is_working_day")).then("name_vi"),
            working_day_index=pl.col("is_working_day").cast(pl.Int32).cum_sum(),
        )
        .join(years, on="year", how="left")
        .select(
            "date",
            "is_working_day",
            "holiday_name",
            "working_day_index",
            "holiday_name_vi",
            "day_kind",
            "legal_basis",
            "verification",
            "year_status",
        )
    )


def covers(day: dt.date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def _require(day: dt.date) -> None:
    if not covers(day):
        raise OutsideCalendar(
            f"{day} is outside the working-day calendar ({FIRST_DAY} – {LAST_DAY})"
        )


def add_working_days(days: pl.DataFrame, start: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `start` (the same rule as the SQL macro
    `add_working_days` in the warehouse): Tết, public holidays, compensatory and swapped days
    off and weekends are skipped, Saturdays worked in a swap count. `OutsideCalendar` when
    `start` or the answer is not covered."""
    _require(start)
    index = days.filter(pl.col("date") == start)["working_day_index"].item()
    target = days.filter(pl.col("is_working_day") & (pl.col("working_day_index") == index + count))
    if target.is_empty():
        raise OutsideCalendar(
            f"the {count}th working day after {start} is beyond the calendar's end ({LAST_DAY})"
        )
    return target["date"].min()
