"""Dossier rows, generated in bulk per (month, level) block with exact counts per outcome.

The provincial centre's 2024 figures are hit exactly at scale 1 (INDICATORS.md, Calibration):
94,665 received, 50,693 online, 94,985 finished in 2024 (700 received in December 2023),
146 late. Districts and communes get realistic volumes on top.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.generate.people import applicants

PROVINCE_2024 = {"received": 94_665, "online": 50_693, "late_2024_received": 140}
CARRY_FROM_2023 = {"finished_2024": 700, "late": 6}  # received Dec 2023, finished Jan 2024
UNFINISHED_2024 = {"open": 150, "finished_2025": 230}  # received Dec 2024, not finished in 2024
NOT_RECEIVED_PER_MONTH = {"Tỉnh": (21, 12), "Huyện": (8, 6), "Xã": (3, 2)}  # status 1, status 3
MONTH_WEIGHTS = [1.0, 0.72, 1.04, 1.0, 1.05, 1.0, 1.05, 1.06, 1.0, 1.05, 1.04, 1.0]
PER_UNIT_MONTH = {"Huyện": 460, "Xã": 205}
ONLINE_SHARE = {"Huyện": 0.24, "Xã": 0.14}
LATE_SHARE = {"Huyện": 0.018, "Xã": 0.012}
DIGITIZED = {"Tỉnh": 0.88, "Huyện": 0.65, "Xã": 0.52}
E_RESULT = {"Tỉnh": 0.83, "Huyện": 0.62, "Xã": 0.48}
EXPORT_AT = dt.datetime(2025, 1, 6, 8, 0, 0)  # the year-end full export


@dataclass
class Block:
    month: dt.date
    level: str
    received: int
    online: int
    late: int
    open: int = 0
    next_year: int = 0
    next_year_late: int = 0
    status1: int = 0
    status3: int = 0


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    shares = np.array(weights) / sum(weights) * total
    counts = np.floor(shares).astype(int)
    counts[np.argsort(shares - counts)[::-1][: total - counts.sum()]] += 1
    return counts.tolist()


def province_blocks(year: int, scale: float) -> list[Block]:
    received = largest_remainder(round(PROVINCE_2024["received"] * scale), MONTH_WEIGHTS)
    online = largest_remainder(round(PROVINCE_2024["online"] * scale), received)
    late = largest_remainder(round(PROVINCE_2024["late_2024_received"] * scale), MONTH_WEIGHTS[:11])
    s1, s3 = NOT_RECEIVED_PER_MONTH["Tỉnh"]
    blocks = [
        Block(
            dt.date(year, m, 1),
            "Tỉnh",
            received[m - 1],
            online[m - 1],
            late[m - 1] if m < 12 else 0,
            status1=s1,
            status3=s3,
        )
        for m in range(1, 13)
    ]
    blocks[-1].open = round(UNFINISHED_2024["open"] * scale)
    blocks[-1].next_year = round(UNFINISHED_2024["finished_2025"] * scale)
    # the two months before the year: December carries 700 dossiers into the year
    for month in (11, 12):
        n = round(7_900 * scale)
        block = Block(
            dt.date(year - 1, month, 1),
            "Tỉnh",
            n,
            round(n * 0.5),
            round(n * 0.0015),
            status1=s1,
            status3=s3,
        )
        if month == 12:
            block.late = 0
            block.next_year = round(CARRY_FROM_2023["finished_2024"] * scale)
            block.next_year_late = round(CARRY_FROM_2023["late"] * scale)
        blocks.append(block)
    return blocks


def local_blocks(
    rng: np.random.Generator,
    level: str,
    units: int,
    month: dt.date,
    scale: float,
    last_month: dt.date,
) -> Block:
    n = int(rng.poisson(PER_UNIT_MONTH[level] * scale * units * MONTH_WEIGHTS[month.month - 1]))
    s1, s3 = NOT_RECEIVED_PER_MONTH[level]
    block = Block(
        month,
        level,
        n,
        round(n * ONLINE_SHARE[level]),
        round(n * LATE_SHARE[level]),
        status1=s1 * units // 10,
        status3=s3 * units // 10,
    )
    if month.month == 12:
        block.late = 0
        block.next_year = round(n * 0.04)
        if month == last_month:
            block.open = round(n * 0.02)
    return block


def _us(values: np.ndarray) -> np.ndarray:
    return values.astype("datetime64[us]")


def _working_days(calendar: pl.DataFrame, month: dt.date) -> np.ndarray:
    end = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    days = calendar.filter(
        pl.col("is_working_day") & pl.col("date").is_between(month, end, closed="left")
    )
    return days.get_column("date").to_numpy()


def make_block(
    rng: np.random.Generator,
    block: Block,
    units: pl.DataFrame,
    procedures: pl.DataFrame,
    calendar: pl.DataFrame,
) -> pl.DataFrame:
    """Typed dossier rows of one block. `units`: code, agency_code, weight."""
    n_received = block.received
    total = n_received + block.status1 + block.status3
    role = np.full(total, "ontime", dtype=object)
    order = rng.permutation(n_received)
    cursor = 0
    for name, count in (
        ("late", block.late),
        ("open", block.open),
        ("next_late", block.next_year_late),
        ("next", block.next_year - block.next_year_late),
    ):
        role[order[cursor : cursor + count]] = name
        cursor += count
    role[n_received : n_received + block.status1] = "status1"
    role[n_received + block.status1 :] = "status3"

    days = _working_days(calendar, block.month)
    year_end = np.datetime64(f"{block.month.year}-12-31T23:00:00", "s")
    late_in_month = np.isin(role, ["next", "next_late", "open"])
    day_index = np.where(
        late_in_month,
        rng.integers(max(0, len(days) - 8), len(days), total),
        rng.integers(0, len(days), total),
    )
    seconds = rng.integers(7 * 3600 + 1800, 16 * 3600 + 1800, total)
    received = days[day_index].astype("datetime64[s]") + seconds.astype("timedelta64[s]")

    unit_pick = rng.choice(
        units.height, total, p=(units["weight"] / units["weight"].sum()).to_numpy()
    )
    proc_pick = rng.choice(
        procedures.height, total, p=(procedures["weight"] / procedures["weight"].sum()).to_numpy()
    )
    proc = procedures[proc_pick]
    limit_days = np.ceil(proc["time_limit"].to_numpy() * 1.4).astype(int)
    due = (received.astype("datetime64[D]") + limit_days.astype("timedelta64[D]")).astype(
        "datetime64[s]"
    ) + np.timedelta64(17 * 3600, "s")

    u = rng.uniform(0.1, 1.0, total)
    window_end = np.minimum(due, year_end)
    finished = received + ((window_end - received).astype(float) * u).astype("timedelta64[s]")
    supplement = np.zeros(total, dtype=int)
    wait = np.zeros(total, dtype=float)
    # some on-time dossiers only make it thanks to the paused clock (supplement wait)
    wait_days = rng.integers(3, 7, total)
    paused = (
        (role == "ontime")
        & (rng.random(total) < 0.03)
        & (due + (wait_days * 86400).astype("timedelta64[s]") < year_end)
    )
    wait[paused] = wait_days[paused]
    supplement[paused] = 1
    finished[paused] = due[paused] + ((wait[paused] - 1) * 86400).astype("timedelta64[s]")
    late = role == "late"
    # late dossiers get a short deadline so that being late still ends inside the year
    due[late] = np.minimum(
        due[late],
        received[late].astype("datetime64[D]").astype("datetime64[s]")
        + np.timedelta64(3 * 86400 + 17 * 3600, "s"),
    )
    by_rule = late & (rng.random(total) < 0.1)  # more than one supplement request: late anyway
    supplement[by_rule] = 2
    finished[late & ~by_rule] = due[late & ~by_rule] + rng.integers(
        3600, 10 * 86400, (late & ~by_rule).sum()
    ).astype("timedelta64[s]")
    carry = np.isin(role, ["next", "next_late"])
    carry_days = 4 if block.month.year >= EXPORT_AT.year - 1 else 19
    next_start = np.datetime64(f"{block.month.year + 1}-01-02T07:30:00", "s")
    finished[carry] = next_start + rng.integers(0, carry_days * 86400 - 86400, carry.sum()).astype(
        "timedelta64[s]"
    )
    due[role == "next"] = np.maximum(
        due[role == "next"], finished[role == "next"] + np.timedelta64(86400, "s")
    )
    due[role == "next_late"] = received[role == "next_late"] + np.timedelta64(2 * 86400, "s")
    unfinished = np.isin(role, ["open", "status1", "status3"])

    status = rng.choice([10, 9, 7, 8], total, p=[0.85, 0.12, 0.015, 0.015])
    status[role == "open"] = rng.choice([4, 5], (role == "open").sum(), p=[0.8, 0.2])
    status[role == "status1"] = 1
    status[role == "status3"] = 3
    returned = np.where(
        status == 10,
        finished + rng.integers(0, 2 * 86400, total).astype("timedelta64[s]"),
        np.datetime64("NaT"),
    )

    channel = rng.choice([1, 3], total, p=[0.97, 0.03])
    received_rows = np.arange(n_received)
    online_rows = rng.choice(received_rows, block.online, replace=False)
    channel[online_rows] = 2
    channel[role == "status1"] = 2
    submitted = np.where(
        channel == 2,
        received - rng.integers(0, 2 * 86400, total).astype("timedelta64[s]"),
        received,
    )

    has_fee = proc["has_fee"].to_numpy()
    paid_online = (channel == 2) & has_fee & (rng.random(total) < 0.6)
    online_payment = np.where(paid_online, rng.choice([1, 2], total), 0)
    ratings = np.array(["", "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng"])
    rating = ratings[rng.choice(5, total, p=[0.8, 0.1, 0.08, 0.016, 0.004])]
    chosen_units = units[unit_pick]
    prefix = f"{block.month:%y%m}"
    people = applicants(rng, total)
    frame = pl.DataFrame(
        {
            "dossier_code": [None] * total,
            "procedure_code": proc["procedure_code"],
            "procedure_name": proc["procedure_name"],
            "agency_code": chosen_units["agency_code"]
            if block.level != "Tỉnh"
            else proc["agency_code"],
            "admin_unit_code": chosen_units["code"],
            "level": [block.level] * total,
            "channel": channel,
            "submitted_at": _us(submitted),
            "received_at": _us(received),
            "due_at": _us(due),
            "finished_at": _us(np.where(unfinished, np.datetime64("NaT"), finished)),
            "returned_at": _us(np.where(unfinished, np.datetime64("NaT"), returned)),
            "status_code": status,
            "supplement_count": supplement,
            "supplement_wait_days": wait,
            "inputs_digitized": rng.random(total) < DIGITIZED[block.level],
            "e_result": (rng.random(total) < E_RESULT[block.level])
            & np.isin(status, [9, 10])
            & ~unfinished,
            "online_payment": online_payment,
            "rating": np.where(unfinished, "", rating),
            "role": role.astype(str),
        }
    ).with_columns(
        pl.col(c).cast(pl.Datetime("us"))
        for c in ("submitted_at", "received_at", "due_at", "finished_at", "returned_at")
    )
    frame = pl.concat([frame, people], how="horizontal")
    return frame.with_columns(
        dossier_code=pl.format(
            "{}-{}-{}",
            pl.col("agency_code"),
            pl.lit(prefix),
            pl.int_range(pl.len()).cast(pl.String).str.zfill(6) + pl.lit(block.level[0]),
        )
    )
