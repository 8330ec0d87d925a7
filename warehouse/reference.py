"""Reference data shipped with the project: real GSO administrative units and levels (the
sample agencies: warehouse/agencies.py)."""

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from schemas.common import LEVEL_CODES, REFORM_DATE
from warehouse.settings import setting

REFERENCE_DIR = Path(__file__).parent / "reference"
UNITS_CSV = REFERENCE_DIR / "admin_units_lam_dong.csv"
CHANGES_CSVS = (
    REFERENCE_DIR / "admin_unit_changes_lam_dong.csv",
    REFERENCE_DIR / "admin_unit_changes_lam_dong_upper_levels.csv",
)
OPEN_START = dt.date(1900, 1, 1)  # empty valid_from: in force since before 2021
OPEN_END = dt.date(9999, 12, 31)


class ScopeError(ValueError):
    """The configured province is not one the reference data can serve."""


@dataclass(frozen=True)
class Scope:
    province: str  # in force today; its territory since 2021 is the warehouse's
    legacy_province: str  # sent the registers before the reform: a bare "Tỉnh" then
    predecessors: tuple[str, ...]  # the provinces whose territory it took over (itself too)


@functools.cache
def scope() -> Scope:
    """The province the warehouse serves (DANVAN_PROVINCE, DANVAN_LEGACY_PROVINCE), checked
    against the reference data: the province in force today and the provinces merged into it."""
    province, legacy = setting("DANVAN_PROVINCE"), setting("DANVAN_LEGACY_PROVINCE")
    units = _all_units()
    today = units.filter(
        (pl.col("level") == "province")
        & pl.col("valid_to").is_null()
        & (pl.col("code") == province)
    )
    if today.is_empty():
        raise ScopeError(
            f"DANVAN_PROVINCE={province!r}: not a province in force in the reference data "
            f"({UNITS_CSV.name})"
        )
    merged = _read_changes().filter(
        (pl.col("new_code") == province) & (pl.col("effective_date") == REFORM_DATE)
    )
    predecessors = tuple(sorted({province, *merged["old_code"].to_list()}))
    if legacy not in predecessors:
        raise ScopeError(
            f"DANVAN_LEGACY_PROVINCE={legacy!r}: not one of the provinces that became "
            f"{province} ({', '.join(predecessors)})"
        )
    return Scope(province, legacy, predecessors)


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def _read_changes() -> pl.DataFrame:
    changes = pl.concat([_read(path) for path in CHANGES_CSVS])
    return changes.with_columns(pl.col("effective_date").str.to_date())


def _all_units() -> pl.DataFrame:
    return _read(UNITS_CSV).with_columns(
        pl.col("valid_from").str.to_date(), pl.col("valid_to").str.to_date()
    )


def admin_units() -> pl.DataFrame:
    """One row per (code, validity interval) of the scope: the province in force, the provinces
    merged into it, their districts and communes (see reference/README.md)."""
    units = _all_units()
    provinces = list(scope().predecessors)
    districts = units.filter(pl.col("parent_code").is_in(provinces))["code"].unique()
    return units.filter(
        ((pl.col("level") == "province") & pl.col("code").is_in(provinces))
        | pl.col("parent_code").is_in(provinces)
        | pl.col("parent_code").is_in(districts.implode())
    )


def admin_unit_changes() -> pl.DataFrame:
    """Every change of a unit code on the scope's territory (communes, districts, provinces)."""
    codes = admin_units()["code"].unique().implode()
    return _read_changes().filter(pl.col("old_code").is_in(codes) | pl.col("new_code").is_in(codes))


def unit_intervals() -> pl.DataFrame:
    """code, valid_from, valid_to with open ends filled, for 'valid on date' checks."""
    return admin_units().select(
        "code",
        pl.col("valid_from").fill_null(OPEN_START),
        pl.col("valid_to").fill_null(OPEN_END),
    )


def levels() -> pl.DataFrame:
    """level_vi (the label in the exports) → level (one vocabulary for every table), name_en."""
    return pl.DataFrame(
        [(vi, code, en) for vi, (code, en) in LEVEL_CODES.items()],
        schema={"level_vi": pl.String, "level": pl.String, "name_en": pl.String},
        orient="row",
    )


def scope_frame() -> pl.DataFrame:
    """The scope as a one-row table for the SQL (no province code is written in a model)."""
    current = scope()
    name = _all_units().filter((pl.col("code") == current.province) & pl.col("valid_to").is_null())[
        "name"
    ]
    return pl.DataFrame(
        {
            "province_code": [current.province],
            "province_name": [name.item()],
            "legacy_province_code": [current.legacy_province],
            "reform_date": [REFORM_DATE],
        }
    )
