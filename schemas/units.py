"""District names as people type them → GSO codes (welfare reports name units, not codes).

`TP. Phan Thiết`, `Phan Thiết`, `Thành phố Phan Thiết`, `H. Bắc Bình`, `huyện Bắc Bình`,
`Phú Quý`/`Phú Quí`, NFD text and `Tỉnh` all resolve; anything else stays unresolved (null)
and the row is quarantined. Matching is on a key without prefixes, tone marks, spaces or
the i/y spelling difference.
"""

import polars as pl

from schemas.text import key_expr

_PREFIX = r"^(thành phố|tp\.?|thị xã|tx\.?|huyện|h\.|quận|q\.|tỉnh)\s*"
PROVINCE_KEYS = ("tinh", "binhthuan")


def place_key(expr: pl.Expr) -> pl.Expr:
    return (
        key_expr(expr)
        .str.replace(r"^(tỉnh)$", "tinh")
        .str.replace(_PREFIX, "")
        .str.normalize("NFD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all("đ", "d")
        .str.replace_all("y", "i")
        .str.replace_all(r"[^a-z0-9]", "")
    )


def district_lookup(districts: pl.DataFrame, province_code: str) -> dict[str, str]:
    """key → code for `districts` (columns code, name), the codes themselves, and the province."""
    keyed = districts.select(pl.col("code"), place_key(pl.col("name")).alias("key"))
    lookup = dict(zip(keyed["key"], keyed["code"], strict=True))
    lookup.update({code: code for code in districts["code"]})
    lookup.update({key: province_code for key in PROVINCE_KEYS})
    lookup[province_code] = province_code
    return lookup


def resolve_district(expr: pl.Expr, lookup: dict[str, str]) -> pl.Expr:
    return place_key(expr).replace_strict(lookup, default=None, return_dtype=pl.String)
