"""Working-day calendar: Vietnamese public holidays and official day swaps from the `holidays`
library, plus an override file for corrections the library does not know yet."""

import datetime as dt

import holidays
import polars as pl

from warehouse.reference import REFERENCE_DIR

FIRST_YEAR, LAST_YEAR = 2020, 2027
OVERRIDES_CSV = REFERENCE_DIR / "calendar_overrides.csv"


def calendar() -> pl.DataFrame:
    """date, is_working_day, holiday_name, working_day_index (cumulative working days: the n-th
    working day after d is the first date whose index is index(d) + n)."""
    years = range(FIRST_YEAR, LAST_YEAR + 1)
    public = holidays.country_holidays("VN", years=years)
    names = pl.DataFrame(
        {"date": list(public.keys()), "holiday_name": list(public.values())},
        schema={"date": pl.Date, "holiday_name": pl.String},
    )
    # an official swap moves a working day to a Saturday: the library names the day off
    # "substituted from MM/DD/YYYY", and that Saturday is worked
    worked_saturdays = names.select(
        date=pl.col("holiday_name")
        .str.extract(r"substituted from (\d\d/\d\d/\d{4})")
        .str.to_date("%m/%d/%Y"),
        override=pl.lit(True),
    ).drop_nulls("date")
    corrections = pl.read_csv(
        OVERRIDES_CSV,
        try_parse_dates=True,
        schema_overrides={
            "date": pl.Date,
            "is_working_day": pl.Boolean,
            "note": pl.String,
        },
    ).select("date", pl.col("is_working_day").alias("override"))
    overrides = pl.concat([worked_saturdays, corrections]).unique("date", keep="last")
    days = pl.DataFrame(
        {"date": pl.date_range(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31), eager=True)}
    )
    return (
        days.join(names, on="date", how="left")
        .join(overrides, on="date", how="left")
        .with_columns(
            is_working_day=pl.coalesce(
                "override", (pl.col("date").dt.weekday() <= 5) & pl.col("holiday_name").is_null()
            )
        )
        .with_columns(working_day_index=pl.col("is_working_day").cast(pl.Int32).cum_sum())
        .select("date", "is_working_day", "holiday_name", "working_day_index")
    )


def add_working_days(days: pl.DataFrame, start: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `start` (the same rule as the SQL macro
    `add_working_days` in the warehouse): Tết, public holidays and weekends are skipped,
    official working Saturdays count."""
    index = days.filter(pl.col("date") == start)["working_day_index"].item()
    target = days.filter(pl.col("is_working_day") & (pl.col("working_day_index") == index + count))
    return target["date"].min()
