"""Unit names and codes as people type them → GSO codes, by the date of the row.

Welfare reports name their units: until the 2025 reform a district (`TP. Phan Thiết`, `Phan
Thiết`, `H. Bắc Bình`, `Phú Quí`), from 2025-07-01 a commune-level unit of the new province
(`Phường Phan Thiết`, `xã Hàm Liêm`, `Đặc khu Phú Quý`, `Cam Ly - Đà Lạt`), and `Tỉnh` or `Toàn
tỉnh` for the province; a GSO code is accepted too. Names are compared on a key without the unit
type, case, tone marks, spaces, punctuation or the i/y spelling difference, and only against the
units in force on the row's date: a key that names no unit then, or several, stays unresolved and
the row is quarantined (never a guess across dates — codes and names are reused).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from schemas.common import REFORM_DATE
from schemas.text import key_expr

_TYPES_BY_LEVEL = {  # unit types as people abbreviate them, by the level they name
    "district": r"thành phố|tp\.?|thị xã|tx\.?|huyện|h\.|quận|q\.",
    "commune": r"phường|p\.|xã|x\.|thị trấn|tt\.?|đặc khu",
    "province": r"tỉnh",
}
_PREFIX = rf"^({'|'.join(_TYPES_BY_LEVEL.values())})\s+"
WHOLE_PROVINCE = ("tỉnh", "toàn tỉnh", "cấp tỉnh")
_FOREVER = dt.date(9999, 12, 31)
LOOKUP_SCHEMA = {
    "key": pl.String,
    "code": pl.String,
    "level": pl.String,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
}


def place_key(expr: pl.Expr) -> pl.Expr:
    """The form in which two spellings of a unit's name compare equal."""
    return (
        key_expr(expr)
        .str.replace(_PREFIX, "")
        .str.normalize("NFD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all("đ", "d")
        .str.replace_all("y", "i")
        .str.replace_all(r"[^a-z0-9]", "")
    )


def typed_level(expr: pl.Expr) -> pl.Expr:
    """The level a typed unit type names (`TP.` a district, `xã` a commune), null if none: a
    `Thành phố …` after the reform is not read as the ward that kept the city's name."""
    key = key_expr(expr)
    found = pl.lit(None, pl.String)
    for level, types in _TYPES_BY_LEVEL.items():
        found = pl.when(key.str.contains(rf"^({types})\s+")).then(pl.lit(level)).otherwise(found)
    return found


def name_lookup(units: pl.DataFrame, legacy_province: str) -> pl.DataFrame:
    """(key, code, valid_from, valid_to) of every name and code a welfare row may use.

    `units`: the reference units (code, name, level, valid_from, valid_to; open ends null).
    Before the reform: the districts and the provinces; from it: the commune-level units and
    the province. A bare `Tỉnh` means the province in force: before the reform,
    `legacy_province` (the province whose organisations sent the registers then)."""
    since = pl.col("valid_from").fill_null(dt.date(1900, 1, 1))
    until = pl.col("valid_to").fill_null(_FOREVER)
    reported = units.filter(
        (pl.col("level") == "province")
        | ((pl.col("level") == "district") & (since < pl.lit(REFORM_DATE)))
        | ((pl.col("level") == "commune") & (since >= pl.lit(REFORM_DATE)))
    ).select("code", "name", "level", since.alias("valid_from"), until.alias("valid_to"))
    by_name = reported.select(
        place_key(pl.col("name")).alias("key"), "code", "level", "valid_from", "valid_to"
    )
    by_code = reported.select(
        pl.col("code").alias("key"), "code", "level", "valid_from", "valid_to"
    )
    provinces = reported.filter(pl.col("level") == "province")
    # a bare "Tỉnh": the new province from the reform, the legacy province before it
    in_force = provinces.filter(
        (pl.col("valid_from") >= pl.lit(REFORM_DATE)) | (pl.col("code") == legacy_province)
    )
    words = pl.DataFrame({"word": list(WHOLE_PROVINCE)}).select(
        place_key(pl.col("word")).alias("key")
    )
    whole = words.join(in_force.select("code", "level", "valid_from", "valid_to"), how="cross")
    return (
        pl.concat(
            [
                by_name.select(*LOOKUP_SCHEMA),
                by_code.select(*LOOKUP_SCHEMA),
                whole.select(*LOOKUP_SCHEMA),
            ]
        )
        .unique()
        .sort("key", "valid_from", "code")
    )


def resolve_units(frame: pl.DataFrame, text: str, date: str, lookup: pl.DataFrame) -> pl.Series:
    """The code each row's `text` names on its `date` (null where it names none or several)."""
    rows = frame.select(
        pl.int_range(pl.len()).alias("__position"),
        place_key(pl.col(text)).alias("key"),
        typed_level(pl.col(text)).alias("__typed"),
        pl.col(date).cast(pl.Date).alias("__on"),
    )
    found = (
        rows.join(lookup, on="key", how="inner")
        .filter(
            pl.col("__on").is_between(pl.col("valid_from"), pl.col("valid_to"))
            & (pl.col("__typed").is_null() | (pl.col("__typed") == pl.col("level")))
        )
        .group_by("__position")
        .agg(pl.col("code").unique())
        .filter(pl.col("code").list.len() == 1)
        .select("__position", pl.col("code").list.first())
    )
    return (
        rows.select("__position")
        .join(found, on="__position", how="left", maintain_order="left")
        .get_column("code")
    )
