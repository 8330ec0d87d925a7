"""Labels and checks shared by several sources."""

import polars as pl

LEVELS = {
    "Tỉnh": "Tỉnh",
    "Cấp tỉnh": "Tỉnh",
    "Huyện": "Huyện",
    "Cấp huyện": "Huyện",
    "Xã": "Xã",
    "Cấp xã": "Xã",
}
LEVEL_VALUES = ["Tỉnh", "Huyện", "Xã"]

UNIT_CODE_PATTERN = r"^\d{2,5}$"


def strip_float_zero(text: pl.Expr) -> pl.Expr:
    """Spreadsheet numbers typed into code cells come back as '593.0'."""
    return text.str.replace(r"^(\d+)\.0+$", "${1}")


def nullable_ge(column: str, other: str) -> pl.Expr:
    """`column` is blank, or `other` is blank, or column ≥ other."""
    return pl.col(column).is_null() | pl.col(other).is_null() | (pl.col(column) >= pl.col(other))
