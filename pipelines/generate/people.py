"""Fictitious applicants: Vietnamese names, 12-digit ID numbers, phone numbers (vectorised)."""

import numpy as np
import polars as pl

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Quốc", "Thị Kim", "Hoàng"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Hương",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
    "Thủy",
    "Khánh",
    "Đạt",
    "Nhung",
]


def applicants(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """Columns applicant_name, applicant_id (12 digits, Bình Thuận prefix 060), applicant_phone.
    A pool smaller than n makes repeat applicants, as in real data."""
    pool = max(1, int(n * 0.7))
    pick = rng.integers(0, pool, n)
    ids = 60_000_000_000 + rng.integers(0, 999_999_999, pool)  # 060xxxxxxxxx
    names = pl.DataFrame(
        {
            "family": np.array(FAMILY)[rng.integers(0, len(FAMILY), pool)],
            "middle": np.array(MIDDLE)[rng.integers(0, len(MIDDLE), pool)],
            "given": np.array(GIVEN)[rng.integers(0, len(GIVEN), pool)],
            "id": ids,
            "phone": 900_000_000 + rng.integers(0, 99_999_999, pool),
        }
    )[pick]
    return names.select(
        applicant_name=pl.concat_str("family", "middle", "given", separator=" "),
        applicant_id=pl.col("id").cast(pl.String).str.zfill(12),
        applicant_phone=pl.lit("0") + pl.col("phone").cast(pl.String),
    )
