"""The yearly review of the working-day calendar (docs/calendar.md#review): what the `holidays`
library proposes for a year, and where the pinned file differs from it. A build never uses
this module; the calendar is the pinned file alone.

The library is asked in a fixed language and classified by what it returns, never by parsing
its labels (their language follows the machine's locale): a day of `observed=False` is a public
holiday, a day only `observed=True` adds is a compensatory day off. The library knows no
working Saturdays and no swaps decided after its release: those come from the notices.

    python -m warehouse.calendar_review 2027          # draft rows for 2027, CSV on stdout
    python -m warehouse.calendar_review --check 2026  # days off where file and library differ
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

import holidays
import polars as pl

from warehouse.calendar import FILE_SCHEMA, pinned_days

STATUTE = "Labour Code 2019 art.112(1)"
COMPENSATORY = "nghi bu: Labour Code 2019 art.111(3)"
CULTURE_DAY = (
    "Resolution 28/2026/QH16 (eff. 01/07/2026) per secondary sources; "
    "policy: Politburo Resolution 80-NQ/TW (07/01/2026)"
)


def _library(year: int, observed: bool, language: str) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("VN", years=year, observed=observed, language=language))


def draft(year: int) -> pl.DataFrame:
    """The year's weekdays off as the statute and the lunar calendar give them, in the pinned
    file's columns, marked `estimated`: a reviewer replaces them with the notice's days."""
    english = _library(year, True, "en_US")
    vietnamese = _library(year, True, "vi")
    statutory = _library(year, False, "en_US")
    rows = []
    for day in sorted(d for d in english if d.weekday() < 5):  # the file lists weekdays off
        if day in statutory:
            kind = "public_holiday"
            basis = CULTURE_DAY if (day.month, day.day) == (11, 24) else STATUTE
        else:
            kind, basis = "compensatory_day_off", COMPENSATORY
        rows.append(
            {
                "date": day,
                "is_working_day": False,
                "kind": kind,
                "name_vi": vietnamese[day],
                "name_en": english[day],
                "legal_basis": basis,
                "verification": "estimated",
            }
        )
    return pl.DataFrame(rows, schema=FILE_SCHEMA)


def differences(year: int) -> pl.DataFrame:
    """Weekdays off in one source and not the other: date, in_file, in_library. Working
    Saturdays are not compared (the library has none)."""
    library = {d for d in _library(year, True, "en_US") if d.weekday() < 5}
    days = pinned_days().filter(pl.col("date").dt.year() == year)
    pinned = set(
        days.filter(~pl.col("is_working_day") & (pl.col("date").dt.weekday() <= 5))["date"]
    )
    return pl.DataFrame(
        [
            {"date": d, "in_file": d in pinned, "in_library": d in library}
            for d in sorted(pinned ^ library)
        ],
        schema={"date": pl.Date, "in_file": pl.Boolean, "in_library": pl.Boolean},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse.calendar_review")
    parser.add_argument("year", type=int)
    parser.add_argument("--check", action="store_true", help="compare the file with the library")
    args = parser.parse_args(argv)
    if args.check:
        found = differences(args.year)
        print(found if found.height else f"{args.year}: file and library agree on weekdays off")
    else:
        sys.stdout.write(draft(args.year).write_csv(include_header=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
