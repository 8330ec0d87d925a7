"""Welfare activity rows of the six organisations for a year, calibrated: 395,218 gifts,
1,000 scholarships, 305 houses built or repaired, 165,340,000,000 VND in all."""

import datetime as dt

import numpy as np
import polars as pl

from schemas.welfare import GIFT, HOUSE_NEW, HOUSE_REPAIR, OTHER, SCHOLARSHIP

TARGETS = {GIFT: 395_218, SCHOLARSHIP: 1_000, HOUSE_NEW: 48, HOUSE_REPAIR: 257}
TOTAL_VALUE = 165_340_000_000
ORG_WEIGHTS = {"MTTQ": 0.4, "LDLD": 0.15, "HLHPN": 0.15, "HND": 0.12, "HCCB": 0.08, "DTN": 0.1}
# as people type district names: every form must resolve (schemas.units)
TYPED_NAMES = {
    "593": ["TP. Phan Thiết", "Phan Thiết", "Thành phố Phan Thiết", "TP Phan Thiết"],
    "594": ["Thị xã La Gi", "TX. La Gi", "La Gi"],
    "595": ["H. Tuy Phong", "Tuy Phong", "huyện Tuy Phong"],
    "596": ["H. Bắc Bình", "huyện Bắc Bình", "Bắc Bình"],
    "597": ["Hàm Thuận Bắc", "H. Hàm Thuận Bắc"],
    "598": ["Hàm Thuận Nam", "huyện Hàm Thuận Nam"],
    "599": ["Tánh Linh", "H. Tánh Linh"],
    "600": ["Đức Linh", "huyện Đức Linh"],
    "601": ["Hàm Tân", "H. Hàm Tân"],
    "602": ["Phú Quý", "Phú Quí", "huyện Phú Quý"],
    "60": ["Tỉnh"],
}
GROUPS = [
    "Hộ nghèo",
    "Hộ cận nghèo",
    "Gia đình chính sách",
    "Đoàn viên, hội viên khó khăn",
    "Đồng bào dân tộc thiểu số",
]
FUNDING = ["Quỹ Vì người nghèo", "Ngân sách", "Xã hội hóa"]


def _split(rng: np.random.Generator, total: int, low: int, high: int) -> np.ndarray:
    """Row quantities in [low, high] (the last may be smaller) that add up to `total`."""
    parts = rng.integers(low, high + 1, total // low + 1)
    cumulative = np.cumsum(parts)
    count = int(np.searchsorted(cumulative, total)) + 1
    parts = parts[:count]
    parts[-1] = total - parts[:-1].sum()
    return parts


def activities(rng: np.random.Generator, year: int) -> pl.DataFrame:
    blocks = []
    prices = {
        GIFT: (300_000, 450_000),
        SCHOLARSHIP: (1_000_000, 2_000_000),
        HOUSE_NEW: (40_000_000, 80_000_000),
        HOUSE_REPAIR: (10_000_000, 30_000_000),
    }
    sizes = {GIFT: (60, 600), SCHOLARSHIP: (5, 40), HOUSE_NEW: (1, 3), HOUSE_REPAIR: (1, 6)}
    for support, total in TARGETS.items():
        quantity = _split(rng, total, *sizes[support])
        low, high = prices[support]
        unit_price = rng.integers(low // 50_000, high // 50_000 + 1, quantity.size) * 50_000
        blocks.append(
            pl.DataFrame(
                {"support_type": support, "quantity": quantity, "value_vnd": quantity * unit_price}
            )
        )
    so_far = sum(int(b["value_vnd"].sum()) for b in blocks)
    other_rows = 180
    weights = rng.gamma(2.0, 1.0, other_rows)
    other = (
        np.floor(weights / weights.sum() * (TOTAL_VALUE - so_far) / 1000).astype(np.int64) * 1000
    )
    other[-1] += TOTAL_VALUE - so_far - other.sum()
    blocks.append(
        pl.DataFrame(
            {"support_type": OTHER, "quantity": rng.integers(1, 50, other_rows), "value_vnd": other}
        )
    )
    frame = pl.concat(blocks, how="vertical_relaxed")
    n = frame.height
    codes = np.array(list(TYPED_NAMES))
    code = codes[rng.choice(codes.size, n, p=np.r_[np.full(10, 0.095), 0.05])]
    typed = [TYPED_NAMES[c][i % len(TYPED_NAMES[c])] for i, c in enumerate(code)]
    days = rng.integers(0, 365, n)
    orgs = np.array(list(ORG_WEIGHTS))
    frame = frame.with_columns(
        activity_date=pl.lit(dt.date(year, 1, 1)) + pl.duration(days=pl.Series(days)),
        admin_unit=pl.Series(typed),
        district_code=pl.Series(code),
        beneficiary_group=pl.Series(np.array(GROUPS)[rng.integers(0, len(GROUPS), n)]),
        funding_source=pl.Series(np.array(FUNDING)[rng.integers(0, len(FUNDING), n)]),
        org=pl.Series(orgs[rng.choice(orgs.size, n, p=list(ORG_WEIGHTS.values()))]),
    )
    quarter = pl.format(
        "{}-Q{}", pl.col("activity_date").dt.year(), pl.col("activity_date").dt.quarter()
    )
    return _distinct(frame, year).with_columns(quarter=quarter).sort("org", "activity_date")


def _distinct(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """Two identical rows would be dropped as duplicates and break the calibrated sums: move
    the later copy to the next day until every row is distinct."""
    columns = [c for c in frame.columns if c != "district_code"]
    last_day = dt.date(year, 12, 31)
    for _ in range(50):
        repeated = ~pl.struct(columns).is_first_distinct()
        if not frame.select(repeated.any()).item():
            return frame
        moved = pl.col("activity_date") + pl.duration(days=1)
        wrapped = pl.when(moved > last_day).then(pl.lit(dt.date(year, 1, 2))).otherwise(moved)
        frame = frame.with_columns(
            activity_date=pl.when(repeated).then(wrapped).otherwise(pl.col("activity_date"))
        )
    raise RuntimeError("could not make the welfare rows distinct")
