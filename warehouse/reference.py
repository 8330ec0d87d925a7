"""Reference data shipped with the project: real GSO administrative units, sample agencies."""

import datetime as dt
from pathlib import Path

import polars as pl

REFERENCE_DIR = Path(__file__).parent / "reference"
UNITS_CSV = REFERENCE_DIR / "admin_units_lam_dong.csv"
CHANGES_CSVS = (
    REFERENCE_DIR / "admin_unit_changes_lam_dong.csv",
    REFERENCE_DIR / "admin_unit_changes_lam_dong_upper_levels.csv",
)
AGENCIES_SAMPLE_CSV = REFERENCE_DIR / "agencies_sample.csv"
OPEN_START = dt.date(1900, 1, 1)  # empty valid_from: in force since before 2021
PROVINCE_CODE = "60"


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def admin_unit_changes() -> pl.DataFrame:
    """Every change of a unit code on the territory (communes, districts and provinces)."""
    changes = pl.concat([_read(path) for path in CHANGES_CSVS])
    return changes.with_columns(pl.col("effective_date").str.to_date())


def admin_units() -> pl.DataFrame:
    """One row per (code, validity interval): the three old provinces, their districts and
    communes, and the new province with its communes (see reference/README.md)."""
    return _read(UNITS_CSV).with_columns(
        pl.col("valid_from").str.to_date(), pl.col("valid_to").str.to_date()
    )


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
