""" "Dân vận khéo" registers: the previous year and the calibrated year, models followed across."""

import numpy as np
import polars as pl

from pipelines.generate.territory import binh_thuan
from schemas.models import FIELDS, RECOGNISED, SPREAD, STATUSES
from warehouse.reference import admin_units

THEMES = [
    "Dân vận khéo trong xây dựng nông thôn mới",
    "Tổ tự quản an ninh trật tự",
    "Chi hội phụ nữ giúp nhau thoát nghèo",
    "Đường hoa nông thôn",
    "Ngày Chủ nhật xanh",
    "Hũ gạo tình thương",
    "Vận động hiến đất làm đường",
    "Mô hình dân vận trong cải cách hành chính",
    "Tổ hợp tác thanh long sạch",
    "Câu lạc bộ cựu chiến binh giúp nhau làm kinh tế",
]


def registers(rng: np.random.Generator, year: int) -> dict[int, pl.DataFrame]:
    communes = admin_units().filter(
        (pl.col("level") == "commune")
        & pl.col("valid_from").is_null()
        & pl.col("code").is_in(binh_thuan())
    )
    n = 160
    pick = rng.integers(0, communes.height, n)
    base = pl.DataFrame(
        {
            "model_name": [
                f"{THEMES[i % len(THEMES)]} ({j + 1})"
                for j, i in enumerate(rng.integers(0, len(THEMES), n))
            ],
            "field": np.array(FIELDS)[rng.integers(0, len(FIELDS), n)],
            "host_unit": ("UBND " + communes["name"][pick]).to_numpy(),
            "level": "Xã",
            "admin_unit_code": communes["code"][pick].to_numpy(),
            "registered_year": rng.integers(year - 3, year + 1, n),
        }
    )
    before = base.filter(pl.col("registered_year") < year).with_columns(
        status=pl.Series(
            np.array(STATUSES[:3])[rng.integers(0, 3, (base["registered_year"] < year).sum())]
        )
    )
    now = base.with_columns(
        status=pl.Series(np.array(STATUSES)[rng.choice(4, n, p=[0.2, 0.35, 0.3, 0.15])])
    ).with_columns(
        recognised_level=pl.when(pl.col("status").is_in([RECOGNISED, SPREAD]))
        .then(pl.lit("Huyện"))
        .otherwise(None)
    )
    return {year - 1: before.with_columns(recognised_level=pl.lit(None, pl.String)), year: now}
