"""The agency list: the province's own `<landing>/reference/agencies.csv` when it is sound, else
the shipped sample (`reference/agencies_sample.csv`, portal namespace H36, made up).

A supplied list is checked before it is used: one code per agency, a level the exports use, a
unit code of the reference data, dates as yyyy-MM-dd with `valid_from` ≤ `valid_to`. A list that
breaks a rule is rejected whole with the rows at fault (by number, never by value); the landing
inventory records it and the sample applies until a sound list arrives.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from schemas.common import LEVEL_CODES
from warehouse.reference import REFERENCE_DIR, admin_units

SAMPLE_CSV = REFERENCE_DIR / "agencies_sample.csv"
REQUIRED = ("agency_code", "agency_name", "level", "admin_unit_code")
VALIDITY = ("valid_from", "valid_to")  # optional: an agency without them is always in force
AGENCY_LEVELS = ("Tỉnh", "Huyện", "Xã", "Đặc khu")
SHOWN_ROWS = 5  # row numbers quoted per problem


class AgencyListError(ValueError):
    """A supplied agency list that cannot be used."""


def _rows(frame: pl.DataFrame, bad: pl.Expr) -> str:
    numbers = frame.with_row_index("row", offset=2).filter(bad)["row"].to_list()
    shown = ", ".join(str(n) for n in numbers[:SHOWN_ROWS])
    more = f" and {len(numbers) - SHOWN_ROWS} more" if len(numbers) > SHOWN_ROWS else ""
    return f"row{'s' if len(numbers) > 1 else ''} {shown}{more}" if numbers else ""


def _problems(frame: pl.DataFrame) -> list[str]:
    code = pl.col("agency_code")
    known_units = admin_units()["code"].unique().implode()
    checks = {
        "an empty agency_code": code.is_null(),
        "an agency_code listed more than once": code.is_not_null() & code.is_duplicated(),
        "an empty agency_name": pl.col("agency_name").is_null(),
        f"a level other than {', '.join(AGENCY_LEVELS)}": ~pl.col("level").is_in(AGENCY_LEVELS),
        "a unit code not in the reference data": ~pl.col("admin_unit_code").is_in(known_units),
    }
    for column in VALIDITY:
        checks[f"a {column} that is not a yyyy-MM-dd date"] = pl.col(column).is_not_null() & (
            pl.col(column).str.to_date("%Y-%m-%d", strict=False).is_null()
        )
    dates = [pl.col(c).str.to_date("%Y-%m-%d", strict=False) for c in VALIDITY]
    checks["valid_from after valid_to"] = (dates[0] > dates[1]).fill_null(False)
    return [f"{what} ({where})" for what, bad in checks.items() if (where := _rows(frame, bad))]


def read_agencies(path: Path) -> pl.DataFrame:
    """The list in `path`, checked; `AgencyListError` saying every rule it breaks."""
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (pl.exceptions.PolarsError, UnicodeDecodeError, OSError) as error:
        raise AgencyListError(
            f"{path.name}: not a readable UTF-8 CSV ({type(error).__name__})"
        ) from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise AgencyListError(f"{path.name}: missing column(s) {', '.join(missing)}")
    frame = frame.with_columns(
        pl.lit(None, pl.String).alias(c) for c in VALIDITY if c not in frame.columns
    ).select(
        pl.col(*REQUIRED, *VALIDITY).str.strip_chars().replace("", None),
    )
    problems = _problems(frame)
    if problems:
        raise AgencyListError(f"{path.name}: " + "; ".join(problems))
    return frame


def agencies(supplied: Path | None = None) -> pl.DataFrame:
    """The supplied list (staged only when sound, see warehouse/inventory.py) or the sample,
    with the level in the one vocabulary (`level`) beside the label of the list (`level_vi`)."""
    path = supplied if supplied is not None and supplied.exists() else SAMPLE_CSV
    frame = read_agencies(path)
    level = {vi: code for vi, (code, _) in LEVEL_CODES.items()}
    return frame.select(
        "agency_code",
        "agency_name",
        pl.col("level").replace_strict(level).alias("level"),
        pl.col("level").alias("level_vi"),
        "admin_unit_code",
        pl.col("valid_from").str.to_date("%Y-%m-%d"),
        pl.col("valid_to").str.to_date("%Y-%m-%d"),
    )
