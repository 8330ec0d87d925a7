"""Rows of the mass-mobilisation sources and of citizen feedback for the sample years after 2024
(not calibrated): units as the reference has them on each row's date, before and after the
2025 reform, on working days in office hours where offices work."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from pipelines.generate.operations import DUE_TIME, office_times, working_days
from pipelines.generate.procedures import HANDLING_DEPARTMENTS_AFTER, HANDLING_DEPARTMENTS_BEFORE
from pipelines.generate.territory import in_force
from schemas.common import REFORM_DATE
from schemas.engagement import ADHOC, DIALOGUE, HELD, PERIODIC
from schemas.feedback import CHANNELS, HANDLED, IN_PROGRESS, REFUSED
from schemas.models import FIELDS, RECOGNISED, SPREAD, STATUSES
from schemas.units import place_key
from schemas.welfare import GIFT, HOUSE_NEW, HOUSE_REPAIR, OTHER, SCHOLARSHIP

FEEDBACK_FIELDS = ["Đất đai", "Quy hoạch", "Môi trường", "Hộ tịch", "Thái độ cán bộ", "Xây dựng"]
ORGANISATIONS = ["MTTQ", "LDLD", "HLHPN", "HND", "HCCB", "DTN"]
SUPPORT = {  # type: (share of rows, quantity range, unit price range in VND)
    GIFT: (0.7, (20, 400), (300_000, 600_000)),
    SCHOLARSHIP: (0.12, (2, 30), (1_000_000, 3_000_000)),
    HOUSE_NEW: (0.04, (1, 3), (50_000_000, 90_000_000)),
    HOUSE_REPAIR: (0.06, (1, 5), (15_000_000, 35_000_000)),
    OTHER: (0.08, (1, 60), (200_000, 2_000_000)),
}
MODEL_THEMES = [
    "Dân vận khéo trong xây dựng nông thôn mới",
    "Tổ tự quản an ninh trật tự",
    "Chính quyền hai cấp gần dân",
    "Bộ phận một cửa thân thiện",
    "Hũ gạo tình thương",
    "Vận động hiến đất làm đường",
    "Chuyển đổi số ở cơ sở",
    "Tổ hợp tác cà phê bền vững",
]


def era_units(after_reform: bool) -> pl.DataFrame:
    """The units of 2025-H1 (the three old provinces) or of the new province, with the prefix
    of their province's departments in the sample agency list."""
    if after_reform:
        units = in_force(REFORM_DATE, REFORM_DATE)
        prefix = pl.lit("H36.")
    else:
        units = in_force(dt.date(2025, 1, 1), REFORM_DATE - dt.timedelta(days=1))
        prefix = pl.format("H36.{}.", pl.col("province"))
    return units.with_columns(department_prefix=prefix)


def _era_frames(months: list[dt.date]) -> list[tuple[list[dt.date], pl.DataFrame]]:
    before = [m for m in months if m < REFORM_DATE]
    after = [m for m in months if m >= REFORM_DATE]
    return [(ms, era_units(ms[0] >= REFORM_DATE)) for ms in (before, after) if ms]


def _working_day_in(
    rng: np.random.Generator, months: np.ndarray, half: int | None = None
) -> np.ndarray:
    """A random working day in each given month (datetime64[M]), or in its first (`half` 0) or
    second (1) half of working days."""
    days = working_days().day_of_index
    month_of_day = days.astype("datetime64[M]")
    start = np.searchsorted(month_of_day, months, side="left")
    end = np.searchsorted(month_of_day, months, side="right")
    if half is not None:
        middle = (start + end) // 2
        start, end = (start, middle) if half == 0 else (middle, end)
    return days[start + (rng.random(months.size) * (end - start)).astype(int)]


def feedback_items(
    rng: np.random.Generator, months: list[dt.date], export_at: dt.datetime, per_month: int
) -> pl.DataFrame:
    parts = []
    for era_months, units in _era_frames(months):
        local = units.filter(pl.col("level_vi").is_in(["Xã", "Đặc khu"]))
        month = np.repeat(np.array(era_months, dtype="datetime64[M]"), per_month)
        n = month.size
        place = local[rng.integers(0, local.height, n)]
        provincial = rng.random(n) < 0.2
        departments = np.array(
            HANDLING_DEPARTMENTS_BEFORE
            if era_months[0] < REFORM_DATE
            else HANDLING_DEPARTMENTS_AFTER
        )
        department = np.char.zfill(departments[rng.integers(0, departments.size, n)].astype(str), 2)
        received = office_times(rng, _working_day_in(rng, month))
        days = working_days()
        limit = rng.choice([10, 15], n)
        due = days.day(days.index(received) + limit).astype("datetime64[s]") + DUE_TIME
        late = rng.random(n) > rng.uniform(0.75, 0.97, n)
        steps = np.where(late, limit + rng.integers(1, 8, n), (limit * rng.random(n)).astype(int))
        handled = np.maximum(office_times(rng, days.day(days.index(received) + steps)), received)
        open_ = handled > np.datetime64(export_at, "s")
        status = np.where(open_, IN_PROGRESS, np.where(rng.random(n) < 0.04, REFUSED, HANDLED))
        reaction = np.array(["", "Hài lòng", "Không hài lòng"])[
            rng.choice(3, n, p=[0.5, 0.43, 0.07])
        ]
        parts.append(
            pl.DataFrame(
                {
                    "received_at": received.astype("datetime64[us]"),
                    "channel": np.array(CHANNELS)[
                        rng.choice(len(CHANNELS), n, p=[0.35, 0.25, 0.2, 0.12, 0.04, 0.04])
                    ],
                    "field": np.array(FEEDBACK_FIELDS)[rng.integers(0, len(FEEDBACK_FIELDS), n)],
                    "agency_code": np.where(
                        provincial,
                        np.char.add(place["department_prefix"].to_numpy().astype(str), department),
                        place["agency_code"].to_numpy().astype(str),
                    ),
                    "admin_unit_code": np.where(
                        provincial, place["province"].to_numpy(), place["code"].to_numpy()
                    ),
                    "due_at": due.astype("datetime64[us]"),
                    "handled_at": np.where(open_, np.datetime64("NaT"), handled).astype(
                        "datetime64[us]"
                    ),
                    "status": status,
                    "reaction": np.where(open_, "", reaction),
                    "repeat_complaint": rng.random(n) < 0.02,
                }
            )
        )
    frame = pl.concat(parts).sort("received_at")
    year = months[0].year
    return frame.with_columns(
        feedback_code=pl.format("PAKN-{}-{}", pl.lit(year), pl.int_range(pl.len()).cast(pl.String)),
        month=pl.col("received_at").dt.strftime("%Y-%m"),
    )


# (who chairs, event type, levels it happens at, chance per unit and month, planned, half of
# the month): a commune's Party secretary owes two reception days a month (docs/calendar.md),
# one in each half, and sometimes misses one
_EVENTS = [
    ("Bí thư", PERIODIC, ("Tỉnh", "Huyện"), 0.95, True, None),
    ("Bí thư", PERIODIC, ("Xã", "Đặc khu"), 0.9, True, 0),
    ("Bí thư", PERIODIC, ("Xã", "Đặc khu"), 0.8, True, 1),
    ("Chủ tịch UBND", PERIODIC, ("Tỉnh", "Huyện", "Xã", "Đặc khu"), 0.3, True, None),
    ("Chủ tịch UBND", DIALOGUE, ("Tỉnh", "Huyện", "Xã", "Đặc khu"), 0.08, True, None),
    ("Chủ tịch UBND", ADHOC, ("Xã", "Đặc khu"), 0.04, False, None),
]
_COMMITTEE = {
    "Tỉnh": "Tỉnh ủy",
    "Huyện": "Huyện ủy",
    "Xã": "Đảng ủy xã",
    "Đặc khu": "Đảng ủy đặc khu",
}
_PEOPLES = {"Tỉnh": "tỉnh", "Huyện": "huyện", "Xã": "xã", "Đặc khu": "đặc khu"}


def engagement_events(rng: np.random.Generator, months: list[dt.date]) -> pl.DataFrame:
    """At most one event per unit, month (or half of it), type and chair, so that no two share
    a key."""
    parts = []
    for era_months, units in _era_frames(months):
        grid = units.join(pl.DataFrame({"month": era_months}), how="cross")
        for chair, event_type, levels, chance, planned, half in _EVENTS:
            cells = grid.filter(pl.col("level_vi").is_in(levels))
            cells = cells.filter(pl.Series(rng.random(cells.height) < chance))
            if cells.is_empty():
                continue
            month = cells["month"].to_numpy().astype("datetime64[M]")
            day = _working_day_in(rng, month, half)
            role = (
                pl.format("Bí thư {}", pl.col("level_vi").replace_strict(_COMMITTEE))
                if chair == "Bí thư"
                else pl.format("Chủ tịch UBND {}", pl.col("level_vi").replace_strict(_PEOPLES))
            )
            parts.append(
                cells.select(
                    event_date=pl.Series(day).cast(pl.Date),
                    event_type=pl.lit(event_type),
                    level=pl.col("level_vi"),
                    admin_unit_code=pl.col("code"),
                    chair_role=role,
                    planned=pl.lit(planned),
                )
            )
    frame = pl.concat(parts)
    n = frame.height
    outcome = np.array([HELD, "Hoãn", "Hủy"])[rng.choice(3, n, p=[0.95, 0.035, 0.015])]
    held = outcome == HELD
    raised = np.where(held, rng.poisson(7, n), 0)
    return frame.with_columns(
        outcome=pl.Series(outcome),
        citizens_received=pl.Series(np.where(held, rng.poisson(18, n), 0)),
        opinions_raised=pl.Series(raised),
        opinions_resolved=pl.Series(rng.binomial(raised, rng.uniform(0.7, 0.95, n))),
        replied_in_time=pl.Series(rng.binomial(raised, rng.uniform(0.75, 0.98, n))),
        quarter=pl.format(
            "{}-Q{}", pl.col("event_date").dt.year(), pl.col("event_date").dt.quarter()
        ),
    ).sort("event_date", "level", "admin_unit_code")


def _typed_names(rng: np.random.Generator, units: pl.DataFrame, named: pl.DataFrame) -> pl.Series:
    """Names as people type them: full, with the type in lower case or abbreviated, without
    the type where no other unit of `named` (those a name may mean then) has the same name, in
    capitals, or the code."""
    keys = named.select(key=place_key(pl.col("name")))["key"]
    alone = keys.filter(~keys.is_duplicated())
    unique = units.select(place_key(pl.col("name")).is_in(alone.implode())).to_series()
    short = {"Thành phố": "TP.", "Thị xã": "TX.", "Huyện": "H.", "Phường": "P.", "Xã": "xã"}
    bare = units["name"].str.slice(units["unit_type"].str.len_chars() + 1)
    abbreviated = units["unit_type"].replace(short) + " " + bare
    form = rng.integers(0, 5, units.height)
    return (
        pl.DataFrame(
            {"name": units["name"], "bare": bare, "abbreviated": abbreviated, "form": form}
        )
        .select(
            pl.when(pl.col("form") == 1)
            .then("abbreviated")
            .when((pl.col("form") == 2) & pl.Series(unique))
            .then("bare")
            .when(pl.col("form") == 3)
            .then(pl.col("name").str.to_uppercase())
            .when(pl.col("form") == 4)
            .then(pl.lit(None, pl.String))
            .otherwise("name")
            .alias("typed")
        )
        .to_series()
        .fill_null(units["code"])
    )


def welfare_activities(
    rng: np.random.Generator, quarters: list[tuple[int, int]], rows_per_report: int
) -> pl.DataFrame:
    parts = []
    for year, quarter in quarters:
        start = dt.date(year, 3 * quarter - 2, 1)
        after = start >= REFORM_DATE
        named = era_units(after).filter(  # the levels a welfare report names on the date
            pl.col("level_vi").is_in(["Tỉnh", "Xã", "Đặc khu"] if after else ["Tỉnh", "Huyện"])
        )
        units = named.filter(pl.col("level_vi") != "Tỉnh")
        n = rows_per_report * len(ORGANISATIONS)
        place = units[rng.integers(0, units.height, n)]
        typed = _typed_names(rng, place, named)
        whole_province = rng.random(n) < 0.06
        whole = np.array(["Tỉnh", "Toàn tỉnh"] + (["Tỉnh Lâm Đồng"] if after else []))
        typed = np.where(whole_province, whole[rng.integers(0, whole.size, n)], typed.to_numpy())
        kinds = list(SUPPORT)
        kind = rng.choice(len(kinds), n, p=[SUPPORT[k][0] for k in kinds])
        low = np.array([SUPPORT[k][1][0] for k in kinds])[kind]
        high = np.array([SUPPORT[k][1][1] for k in kinds])[kind]
        quantity = rng.integers(low, high + 1)
        price_low = np.array([SUPPORT[k][2][0] for k in kinds])[kind] // 50_000
        price_high = np.array([SUPPORT[k][2][1] for k in kinds])[kind] // 50_000
        price = rng.integers(price_low, price_high + 1) * 50_000
        day = rng.integers(0, 90, n)
        parts.append(
            pl.DataFrame(
                {
                    "activity_date": np.datetime64(start) + day.astype("timedelta64[D]"),
                    "admin_unit": typed,
                    "support_type": np.array(kinds)[kind],
                    "beneficiary_group": np.array(
                        ["Hộ nghèo", "Hộ cận nghèo", "Gia đình chính sách"]
                    )[rng.integers(0, 3, n)],
                    "quantity": quantity,
                    "value_vnd": quantity * price,
                    "funding_source": np.array(["Quỹ Vì người nghèo", "Ngân sách", "Xã hội hóa"])[
                        rng.integers(0, 3, n)
                    ],
                    "org": np.repeat(ORGANISATIONS, rows_per_report),
                }
            ).with_columns(
                pl.col("activity_date").cast(pl.Date),
                quarter=pl.lit(f"{year}-Q{quarter}"),
            )
        )
    frame = pl.concat(parts)
    # keep activities inside their quarter (a 90-day window overruns 90-day-short quarters)
    frame = frame.filter(
        pl.format("{}-Q{}", pl.col("activity_date").dt.year(), pl.col("activity_date").dt.quarter())
        == pl.col("quarter")
    )
    return frame.unique(maintain_order=True).sort("org", "activity_date")


def model_register(seed: int, rng: np.random.Generator, year: int, count: int) -> pl.DataFrame:
    """The register of `year`: the same models every year (drawn from `seed` alone), at new
    communes, each with this year's status."""
    models = np.random.default_rng([seed, 766])
    communes = era_units(True).filter(pl.col("level_vi") != "Tỉnh")
    pick = models.integers(0, communes.height, count)
    theme = models.integers(0, len(MODEL_THEMES), count)
    base = pl.DataFrame(
        {
            "model_name": [f"{MODEL_THEMES[t]} ({i + 1})" for i, t in enumerate(theme)],
            "field": np.array(FIELDS)[models.integers(0, len(FIELDS), count)],
            "host_unit": ("UBND " + communes["name"][pick]).to_numpy(),
            "level": communes["level_vi"][pick].to_numpy(),
            "admin_unit_code": communes["code"][pick].to_numpy(),
            "registered_year": models.integers(2023, 2026, count),
        }
    ).filter(pl.col("registered_year") <= year)
    status = np.array(STATUSES)[rng.choice(4, base.height, p=[0.15, 0.35, 0.35, 0.15])]
    return base.with_columns(status=pl.Series(status)).with_columns(
        recognised_level=pl.when(pl.col("status").is_in([RECOGNISED, SPREAD]))
        .then(pl.lit("Tỉnh"))
        .otherwise(pl.lit(None, pl.String))
    )
