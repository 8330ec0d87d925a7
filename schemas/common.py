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


def nullable_ge(column: str, other: str) -> pl.Expr:
    """`column` is blank, or `other` is blank, or column ≥ other."""
    return pl.col(column).is_null() | pl.col(other).is_null() | (pl.col(column) >= pl.col(other))
