"""Labels, dates and checks shared by several sources."""

import datetime as dt

import polars as pl

# Two-level local government (Resolution 202/2025/QH15 and the commune resolutions): from this
# date districts no longer exist and the new Lâm Đồng (68) replaces provinces 60, 67 and 68.
REFORM_DATE = dt.date(2025, 7, 1)

LEVELS = {  # label as typed → the level's Vietnamese name
    "Tỉnh": "Tỉnh",
    "Cấp tỉnh": "Tỉnh",
    "Huyện": "Huyện",
    "Cấp huyện": "Huyện",
    "Xã": "Xã",
    "Cấp xã": "Xã",
    "Đặc khu": "Đặc khu",
    "Cấp đặc khu": "Đặc khu",
}
LEVEL_VALUES = ["Tỉnh", "Huyện", "Xã", "Đặc khu"]
# the administrative level of each (the vocabulary of dim_admin_unit and every table's `level`)
LEVEL_CODES = {
    "Tỉnh": ("province", "Province"),
    "Huyện": ("district", "District"),
    "Xã": ("commune", "Commune"),
    "Đặc khu": ("commune", "Special zone (commune level)"),
    "Thôn": ("village", "Village"),
}
ONLY_BEFORE_REFORM = ("Huyện",)
ONLY_FROM_REFORM = ("Đặc khu",)

UNIT_CODE_PATTERN = r"^\d{2,5}$"


def strip_float_zero(text: pl.Expr) -> pl.Expr:
    """Spreadsheet numbers typed into code cells come back as '593.0'."""
    return text.str.replace(r"^(\d+)\.0+$", "${1}")


SCIENTIFIC = r"^\d(?:[.,]\d+)?[eE]\+?\d+$"


def normalise_id_number(text: pl.Expr) -> pl.Expr:
    """One ID number, one text, whatever Excel did to it: the text prefix `'`, spaces, dots or
    dashes between digit groups and a trailing `.0` go; leading zeros Excel dropped come back
    (a CCCD has 12 digits, a CMND 9: 10–11 digits are a CCCD, 8 a CMND). Scientific notation
    (`6.01235E+10`) lost the digits: no ID at all (null)."""
    bare = text.str.strip_prefix("'").str.strip_chars()
    digits = bare.str.replace(r"\.0+$", "").str.replace_all(r"[ .\-]", "")
    padded = (
        pl.when(digits.str.len_chars().is_between(10, 11))
        .then(digits.str.zfill(12))
        .when(digits.str.len_chars() == 8)
        .then(digits.str.zfill(9))
        .otherwise(digits)
    )
    return (
        pl.when(bare.str.contains(SCIENTIFIC))
        .then(pl.lit(None, pl.String))
        .when(digits.str.contains(r"^\d+$"))
        .then(padded)
        .otherwise(bare)
    )


def nullable_ge(column: str, other: str) -> pl.Expr:
    """`column` is blank, or `other` is blank, or column ≥ other."""
    return pl.col(column).is_null() | pl.col(other).is_null() | (pl.col(column) >= pl.col(other))
