"""Citizen feedback items for a year (about 250 a month), most handled on time."""

import numpy as np
import polars as pl

from pipelines.generate.calendar_pairs import draw, unit_days
from pipelines.generate.procedures import OLD_DEPARTMENT_PREFIX
from schemas.feedback import CHANNELS, HANDLED, IN_PROGRESS, REFUSED

FIELDS = [
    "Đất đai",
    "Quy hoạch",
    "Môi trường",
    "Hộ tịch",
    "Thái độ cán bộ",
    "Giao thông",
    "Xây dựng",
]
PER_YEAR = 3_000


def items(rng: np.random.Generator, year: int) -> pl.DataFrame:
    places = draw(rng, unit_days("Xã", year), PER_YEAR)
    n = places.height
    received = np.array(places["date"].to_numpy(), dtype="datetime64[s]") + rng.integers(
        7 * 3600, 17 * 3600, n
    ).astype("timedelta64[s]")
    due = received + (rng.choice([10, 15], n) * 86400 * 1.4).astype("timedelta64[s]")
    late = rng.random(n) < 0.07
    span = (due - received).astype(float)
    handled = received + (
        span * np.where(late, rng.uniform(1.05, 1.6, n), rng.uniform(0.1, 1.0, n))
    ).astype("timedelta64[s]")
    export_at = np.datetime64(f"{year + 1}-01-06T08:00:00", "s")
    status = np.where(
        handled > export_at, IN_PROGRESS, np.where(rng.random(n) < 0.04, REFUSED, HANDLED)
    )
    reaction = np.array(["", "Hài lòng", "Không hài lòng"])[rng.choice(3, n, p=[0.55, 0.4, 0.05])]
    open_ = status == IN_PROGRESS
    # a fifth of the items concern provincial departments (H36.60.01–H36.60.17)
    provincial = rng.random(n) < 0.2
    departments = np.char.add(
        OLD_DEPARTMENT_PREFIX, np.char.zfill(rng.integers(1, 18, n).astype(str), 2)
    )
    return (
        pl.DataFrame(
            {
                "feedback_code": [f"PAKN-{year}-{i:05d}" for i in range(n)],
                "received_at": received.astype("datetime64[us]"),
                "channel": np.array(CHANNELS)[
                    rng.choice(len(CHANNELS), n, p=[0.3, 0.25, 0.2, 0.15, 0.05, 0.05])
                ],
                "field": np.array(FIELDS)[rng.integers(0, len(FIELDS), n)],
                "agency_code": np.where(
                    provincial, departments, ("H36." + places["code"]).to_numpy()
                ),
                "admin_unit_code": np.where(provincial, "60", places["code"].to_numpy()),
                "due_at": due.astype("datetime64[us]"),
                "handled_at": np.where(open_, np.datetime64("NaT"), handled).astype(
                    "datetime64[us]"
                ),
                "status": status,
                "reaction": np.where(open_, "", reaction),
                "repeat_complaint": rng.random(n) < 0.02,
            }
        )
        .with_columns(month=pl.col("received_at").dt.strftime("%Y-%m"))
        .sort("received_at")
    )
