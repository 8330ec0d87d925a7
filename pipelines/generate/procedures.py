"""A procedure catalogue of ~1,900 procedures (province ~1,500, district ~270, commune ~130)."""

import numpy as np
import polars as pl

# (field, number of the handling department (H36.60.<nn> in agencies_sample.csv), weight in dossier
# volumes)
PROVINCE_FIELDS = [
    ("Đăng ký kinh doanh", 3, 9),
    ("Đất đai", 7, 14),
    ("Xây dựng", 5, 6),
    ("Giao thông vận tải", 6, 16),
    ("Y tế", 11, 6),
    ("Giáo dục và Đào tạo", 12, 4),
    ("Lao động, việc làm", 10, 6),
    ("Lý lịch tư pháp", 2, 12),
    ("Công Thương", 8, 5),
    ("Nông nghiệp", 9, 4),
    ("Môi trường", 7, 3),
    ("Văn hóa, du lịch", 13, 3),
    ("Nội vụ", 14, 2),
    ("Thông tin và Truyền thông", 15, 2),
    ("Khoa học và Công nghệ", 16, 1),
    ("Đầu tư", 3, 3),
    ("Tài chính", 4, 2),
    ("Khu công nghiệp", 17, 2),
]
DISTRICT_FIELDS = [
    ("Hộ tịch", 10),
    ("Đất đai", 18),
    ("Xây dựng", 8),
    ("Chứng thực", 20),
    ("Đăng ký kinh doanh", 14),
    ("Bảo trợ xã hội", 6),
    ("Người có công", 4),
]
COMMUNE_FIELDS = [
    ("Hộ tịch", 40),
    ("Chứng thực", 45),
    ("Bảo trợ xã hội", 6),
    ("Người có công", 4),
    ("Đất đai", 3),
    ("Nông nghiệp", 2),
]
COUNTS = {"Tỉnh": 1_500, "Huyện": 270, "Xã": 130}
# Bình Thuận's departments until 2025-06-30 in the sample agency list: H36.60.01–H36.60.17
OLD_DEPARTMENT_PREFIX = "H36.60."
# the old departments' numbers → the department of the new province that took over their
# procedures on 2025-07-01 (H36.01–H36.13 in the sample list)
NEW_DEPARTMENT = {
    1: 1, 2: 2, 3: 3, 4: 3, 5: 4, 6: 4, 7: 5, 8: 6, 9: 5,
    10: 10, 11: 7, 12: 8, 13: 9, 14: 10, 15: 11, 16: 11, 17: 13,
}  # fmt: skip
# the departments that handle procedures, by their number before and after the merger: the
# sample's provincial feedback is about procedures (land, civil status, …), so it goes to these
HANDLING_DEPARTMENTS_BEFORE = sorted({d for _, d, _ in PROVINCE_FIELDS})
HANDLING_DEPARTMENTS_AFTER = sorted({NEW_DEPARTMENT[d] for d in HANDLING_DEPARTMENTS_BEFORE})


def catalogue(rng: np.random.Generator) -> pl.DataFrame:
    """Typed catalogue as of the end of 2024, with the volume weight and agency of each."""
    parts = []
    serial = 0
    for level, count in COUNTS.items():
        if level == "Tỉnh":
            fields = [f for f, _, _ in PROVINCE_FIELDS]
            weights = np.array([w for _, _, w in PROVINCE_FIELDS], dtype=float)
            agency = {f: f"{OLD_DEPARTMENT_PREFIX}{d:02d}" for f, d, _ in PROVINCE_FIELDS}
            department = {f: d for f, d, _ in PROVINCE_FIELDS}
        else:
            table = DISTRICT_FIELDS if level == "Huyện" else COMMUNE_FIELDS
            fields = [f for f, _ in table]
            weights = np.array([w for _, w in table], dtype=float)
            agency, department = {}, {}
        field = np.array(fields)[rng.choice(len(fields), count, p=weights / weights.sum())]
        codes = [
            f"{1 if i % 3 else 2}.{(1600 + serial + i) * 7 % 999_983:06d}" for i in range(count)
        ]
        serial += count
        parts.append(
            pl.DataFrame({"procedure_code": codes, "field": field, "level": level}).with_columns(
                agency_code=pl.col("field").replace_strict(agency, default=None)
                if agency
                else pl.lit(None, pl.String),
                department=pl.col("field").replace_strict(
                    department, default=None, return_dtype=pl.Int64
                ),
            )
        )
    frame = pl.concat(parts)
    n = frame.height
    decided = np.datetime64("2019-01-01") + rng.integers(0, 365 * 5 + 150, n).astype(
        "timedelta64[D]"
    )
    online = rng.choice(["Toàn trình", "Một phần", ""], n, p=[0.42, 0.43, 0.15])
    eligible = (online == "Toàn trình") | (rng.random(n) < 0.1)
    frame = frame.with_columns(
        procedure_name=pl.concat_str(
            pl.lit("Thủ tục"),
            pl.col("field").str.to_lowercase(),
            pl.lit("số"),
            pl.col("procedure_code"),
            separator=" ",
        ),
        levels=pl.col("level"),
        time_limit=pl.Series(rng.choice([1, 3, 5, 7, 10, 15, 20, 30], n)).cast(pl.Float64),
        time_limit_unit=pl.lit("Ngày làm việc"),
        online_level=pl.Series(online),
        full_online_eligible=pl.Series(eligible),
        has_fee=pl.Series(rng.random(n) < 0.35),
        decision_number=pl.Series(rng.integers(100, 3000, n)).cast(pl.String) + "/QĐ-UBND",
        decision_date=pl.Series(decided).cast(pl.Date),
        components_complete=pl.Series(rng.random(n) < 0.97),
        status=pl.Series(np.where(rng.random(n) < 0.03, "Bãi bỏ", "Đang áp dụng")),
        weight=pl.Series(rng.zipf(1.6, n).clip(1, 400)).cast(pl.Float64),
    ).with_columns(
        legal_effective_date=pl.col("decision_date")
        + pl.duration(days=pl.Series(rng.integers(8, 45, n))),
        published_at=pl.col("decision_date") + pl.duration(days=pl.Series(rng.integers(1, 8, n))),
        implementing_agency=pl.when(pl.col("level") == "Tỉnh")
        .then(pl.lit("Sở, ngành tỉnh"))
        .when(pl.col("level") == "Huyện")
        .then(pl.lit("UBND cấp huyện"))
        .otherwise(pl.lit("UBND cấp xã")),
    )
    return frame
