"""Reference data shipped with the project: real GSO administrative units, sample agencies."""

import datetime as dt
from pathlib import Path

import polars as pl

REFERENCE_DIR = Path(__file__).parent / "reference"
UNITS_CSV = REFERENCE_DIR / "admin_units_binh_thuan.csv"
CHANGES_CSV = REFERENCE_DIR / "admin_unit_changes_binh_thuan.csv"
AGENCIES_SAMPLE_CSV = REFERENCE_DIR / "agencies_sample.csv"
OPEN_START = dt.date(1900, 1, 1)  # empty valid_from: in force since before 2021
PROVINCE_CODE = "60"
NEW_PROVINCE = {"code": "68", "name": "Tỉnh Lâm Đồng", "unit_type": "Tỉnh"}


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def admin_unit_changes() -> pl.DataFrame:
    return _read(CHANGES_CSV).with_columns(pl.col("effective_date").str.to_date())


def admin_units() -> pl.DataFrame:
    """One row per (code, validity interval), 2025 units from the 2025-07-01 changes included."""
    units = _read(UNITS_CSV).with_columns(
        pl.col("valid_from").str.to_date(), pl.col("valid_to").str.to_date()
    )
    changes = admin_unit_changes().filter(pl.col("effective_date") == dt.date(2025, 7, 1))
    new_communes = (
        changes.group_by("new_code")
        .agg(pl.col("new_name").first(), pl.col("new_province_code").first())
        .select(
            code=pl.col("new_code"),
            name=pl.col("new_name"),
            unit_type=pl.col("new_name").str.extract(r"^(Phường|Xã|Thị trấn|Đặc khu)"),
            level=pl.lit("commune"),
            parent_code=pl.col("new_province_code"),
            valid_from=pl.lit(dt.date(2025, 7, 1)),
            valid_to=pl.lit(None, pl.Date),
        )
        .sort("code")
    )
    province = pl.DataFrame(
        {**{k: [v] for k, v in NEW_PROVINCE.items()}, "level": ["province"], "parent_code": [None]},
        schema_overrides={"parent_code": pl.String},
    ).with_columns(valid_from=pl.lit(dt.date(2025, 7, 1)), valid_to=pl.lit(None, pl.Date))
    return pl.concat([units, province.select(units.columns), new_communes.select(units.columns)])


def unit_intervals() -> pl.DataFrame:
    """code, valid_from, valid_to with open ends filled, for 'valid on date' checks."""
    return admin_units().select(
        "code",
        pl.col("valid_from").fill_null(OPEN_START),
        pl.col("valid_to").fill_null(dt.date(9999, 12, 31)),
    )


def agencies(supplied: Path | None = None) -> pl.DataFrame:
    """The province's own list as staged from `<landing>/reference/agencies.csv` (see
    warehouse/inventory.py) when there is one, else the sample list."""
    path = supplied if supplied is not None and supplied.exists() else AGENCIES_SAMPLE_CSV
    return _read(path).select("agency_code", "agency_name", "level", "admin_unit_code")
