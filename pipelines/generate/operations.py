"""Dossiers of one month as offices work them (the sample years after 2024, not calibrated).

Receipts and finishes fall in office hours on working days of the civil-service calendar
(holidays and swapped Saturdays included); the due date is the procedure's time limit counted
in working days from the receipt (docs/calendar.md), at 17:00. Each unit has its own on-time
share and online share, drifting from month to month; the month of Tết and the two months after
the 2025 reform, while the new communes settled in, are worse. A dossier whose finish would fall
after the export is still open in the file.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.generate.people import applicants
from schemas.common import REFORM_DATE
from warehouse.calendar import FIRST_DAY, calendar

MORNING = (7 * 3600 + 30 * 60, 11 * 3600 + 30 * 60)  # office hours, seconds after midnight
AFTERNOON = (13 * 3600 + 30 * 60, 17 * 3600)
DUE_TIME = np.timedelta64(17 * 3600, "s")
# dossiers a unit receives per working day at scale 1, before the reform and after it (the
# province's one centre serves the three old provinces; a new commune does the work of its old
# communes and of their district)
PER_WORKING_DAY = {"Tỉnh": 360.0, "Huyện": 20.0, "Xã": 4.5}
PER_WORKING_DAY_AFTER_REFORM = {"Tỉnh": 1_000.0, "Xã": 16.0, "Đặc khu": 14.0}
TET_DIP = 0.08  # on-time share lost in the month of Tết
SETTLING_DIP = 0.06  # … and in the first two months of the new communes
STATUS_FINISHED = ([10, 9, 7, 8], [0.88, 0.09, 0.015, 0.015])
RATINGS = np.array(["", "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"])


@dataclass(frozen=True)
class WorkingDays:
    """The calendar as arrays: a date's working-day index, and the date of an index."""

    index_of_day: np.ndarray  # by days since FIRST_DAY
    day_of_index: np.ndarray  # datetime64[D] of working day number i (from 1) at i - 1
    tet_months: frozenset[tuple[int, int]]

    def index(self, days: np.ndarray) -> np.ndarray:
        offset = (days.astype("datetime64[D]") - np.datetime64(FIRST_DAY, "D")).astype(int)
        return self.index_of_day[offset]

    def day(self, index: np.ndarray) -> np.ndarray:
        return self.day_of_index[index - 1]

    def of_month(self, month: dt.date) -> np.ndarray:
        start = np.datetime64(month, "D")
        end = np.datetime64(month + dt.timedelta(days=31), "M").astype("datetime64[D]")
        days = self.day_of_index
        return days[(days >= start) & (days < end)]


@functools.cache
def working_days() -> WorkingDays:
    days = calendar()
    working = days.filter(pl.col("is_working_day"))
    tet = days.filter(pl.col("holiday_name").str.starts_with("Tet"))["date"]
    return WorkingDays(
        index_of_day=days["working_day_index"].to_numpy(),
        day_of_index=working["date"].to_numpy().astype("datetime64[D]"),
        tet_months=frozenset((d.year, d.month) for d in tet),
    )


def unit_rates(rng: np.random.Generator, units: pl.DataFrame) -> pl.DataFrame:
    """A unit's lasting character: its on-time share (about 0.6–0.99) and online share."""
    n = units.height
    province = (units["level_vi"] == "Tỉnh").to_numpy()
    on_time = np.where(province, rng.uniform(0.97, 0.995, n), 0.58 + 0.41 * rng.beta(5, 1.6, n))
    online = np.where(province, rng.uniform(0.5, 0.62, n), rng.beta(2.2, 4.5, n))
    return units.with_columns(on_time=pl.Series(on_time), online=pl.Series(online))


def office_times(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    morning = rng.random(days.size) < 0.6
    seconds = np.where(
        morning, rng.integers(*MORNING, days.size), rng.integers(*AFTERNOON, days.size)
    )
    return days.astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def _month_quality(month: dt.date, days: WorkingDays) -> float:
    dip = TET_DIP if (month.year, month.month) in days.tet_months else 0.0
    after = (month - REFORM_DATE).days
    return dip + (SETTLING_DIP if 0 <= after < 62 else 0.0)


def _draw(rng: np.random.Generator, procedures: pl.DataFrame, rows: int) -> pl.DataFrame:
    """`rows` procedures, the busy ones more often."""
    weight = (procedures["weight"] / procedures["weight"].sum()).to_numpy()
    return procedures[rng.choice(procedures.height, rows, p=weight)]


def month_dossiers(
    rng: np.random.Generator,
    month: dt.date,
    units: pl.DataFrame,
    procedures: dict[str, pl.DataFrame],
    export_at: dt.datetime,
    scale: float,
) -> pl.DataFrame:
    """Typed dossier rows received in `month`. `units`: code, level_vi, agency_code (NULL for a
    province), department_prefix, per_day, on_time, online (see unit_rates); `procedures`: the
    catalogue rows by level, the province's with the number of their `department`."""
    days = working_days()
    month_days = days.of_month(month)
    units = units.sort("level_vi", maintain_order=True)  # rows of a level together, as drawn
    counts = rng.poisson(units["per_day"].to_numpy() * month_days.size * scale)
    of_unit = np.repeat(np.arange(units.height), counts)
    unit = units[of_unit]
    n = unit.height
    received = office_times(rng, month_days[rng.integers(0, month_days.size, n)])
    procedure = pl.concat(
        [
            _draw(rng, procedures[level], rows)
            for level, rows in unit.group_by("level_vi", maintain_order=True).len().iter_rows()
        ]
    )
    limit = procedure["time_limit"].cast(pl.Int64).to_numpy()
    received_index = days.index(received)
    due = days.day(received_index + limit).astype("datetime64[s]") + DUE_TIME

    drift = rng.normal(0, 0.03, units.height)[of_unit]  # this month's luck of each unit
    on_time_share = np.clip(
        unit["on_time"].to_numpy() + drift - _month_quality(month, days), 0.5, 0.997
    )
    late = rng.random(n) > on_time_share
    # on time: a working day up to the due day, most well before it; late: 1–15 days after it
    steps = np.where(
        late,
        limit + 1 + np.minimum(rng.geometric(0.3, n) - 1, 14),
        np.floor(limit * rng.random(n) ** 1.6).astype(int),
    )
    finished = office_times(rng, days.day(received_index + steps))
    same_day = steps == 0
    finished[same_day] = np.minimum(
        np.maximum(finished[same_day], received[same_day] + np.timedelta64(600, "s")),
        received[same_day].astype("datetime64[D]").astype("datetime64[s]") + DUE_TIME,
    )
    finished = np.maximum(finished, received)

    export = np.datetime64(export_at, "s")
    refused = rng.random(n) < 0.004  # status 3: not received at intake
    open_ = (finished > export) & ~refused
    status = rng.choice(STATUS_FINISHED[0], n, p=STATUS_FINISHED[1])
    waiting = open_ & (rng.random(n) < 0.15)  # status 5, the clock paused for the applicant
    status[open_] = 4
    status[waiting] = 5
    status[refused] = 3
    done = ~open_ & ~refused
    returned = finished + rng.integers(0, 3 * 3600, n).astype("timedelta64[s]")

    online_share = np.clip(unit["online"].to_numpy() + 0.01 * (month.month - 1), 0, 0.95)
    channel = np.where(rng.random(n) < online_share, 2, np.where(rng.random(n) < 0.03, 3, 1))
    submitted = np.where(
        channel == 2, received - rng.integers(0, 86400, n).astype("timedelta64[s]"), received
    )
    eligible = procedure["full_online_eligible"].to_numpy()
    has_fee = procedure["has_fee"].to_numpy()
    nat = np.datetime64("NaT")
    frame = pl.DataFrame(
        {
            "procedure_code": procedure["procedure_code"],
            "procedure_name": procedure["procedure_name"],
            # a province's dossiers go to the department that handles the procedure
            "agency_code": unit["agency_code"].fill_null(
                unit["department_prefix"] + procedure["department"].cast(pl.String).str.zfill(2)
            ),
            "admin_unit_code": unit["code"],
            "level": unit["level_vi"],
            "channel": channel,
            "submitted_at": submitted.astype("datetime64[us]"),
            "received_at": received.astype("datetime64[us]"),
            "due_at": due.astype("datetime64[us]"),
            "finished_at": np.where(done, finished, nat).astype("datetime64[us]"),
            "returned_at": np.where(done & (status == 10), returned, nat).astype("datetime64[us]"),
            "status_code": status,
            "supplement_count": waiting.astype(int),
            "supplement_wait_days": np.where(waiting, rng.integers(2, 8, n), 0).astype(float),
            "inputs_digitized": rng.random(n) < 0.7,
            "e_result": done & (rng.random(n) < 0.75),
            "online_payment": np.where(
                (channel == 2) & has_fee & (rng.random(n) < 0.7), rng.choice([1, 2], n), 0
            ),
            "rating": np.where(
                done, RATINGS[rng.choice(5, n, p=[0.7, 0.14, 0.12, 0.03, 0.01])], ""
            ),
            "full_online": (channel == 2) & eligible & (rng.random(n) < 0.8),
            "synced_on_time": rng.random(n) < 0.96,
            "fee_exempt": has_fee & (rng.random(n) < 0.15),
            "data_reused": rng.random(n) < 0.35,
            "data_fully_replaced": rng.random(n) < 0.06,
        }
    )
    return (
        pl.concat([frame, applicants(rng, n)], how="horizontal")
        .with_columns(
            dossier_code=pl.format(
                "{}-{}-{}",
                pl.col("agency_code"),
                pl.lit(f"{month:%y%m}"),
                pl.int_range(pl.len()).cast(pl.String).str.zfill(6),
            )
        )
        .sort("received_at")
    )
