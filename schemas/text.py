"""Text normalisation shared by header matching, enum parsing and name resolution."""

import re
import unicodedata

import polars as pl

_SPACES = re.compile(r"\s+")
# characters copy-paste and Excel leave in cells without a trace on screen: zero-width
# spaces and joiners, word joiner, byte-order mark, soft hyphen; and no-break spaces
INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"
NO_BREAK_SPACES = "[\u00a0\u202f\u2007]"
_INVISIBLE = re.compile(INVISIBLE)


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def normalise_key(value: str) -> str:
    """The form in which two spellings of a header or label compare equal:
    NFC, case-folded, trimmed, inner whitespace collapsed."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", nfc(value)).casefold()).strip()


def without_accents(value: str) -> str:
    """`normalise_key` without Vietnamese accents: 'Mã hồ sơ' and 'Ma ho so' compare equal."""
    bare = unicodedata.normalize("NFD", normalise_key(value)).replace("đ", "d")
    return "".join(ch for ch in bare if not unicodedata.combining(ch))


def key_expr(expr: pl.Expr) -> pl.Expr:
    """`normalise_key` as a polars expression (bulk)."""
    return (
        expr.str.normalize("NFC")
        .str.replace_all(INVISIBLE, "")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def clean_text_expr(expr: pl.Expr, nfc: bool = True) -> pl.Expr:
    """NFC (where letters matter), invisible characters removed, no-break spaces as spaces,
    trimmed; empty strings become null."""
    visible = expr.str.replace_all(INVISIBLE, "").str.replace_all(NO_BREAK_SPACES, " ")
    cleaned = (visible.str.normalize("NFC") if nfc else visible).str.strip_chars()
    return cleaned.replace("", None)  # half the time of when/then on a month of dossiers


def nfc_series(values: pl.Series, nfc: bool = True) -> pl.Series:
    """`values` in NFC, without invisible characters and with no-break spaces as spaces,
    changing only what can change: ASCII text has none of these, and each distinct non-ASCII
    value is tidied once (most cells of an export are ASCII). A value left blank is null."""
    non_ascii = values.filter(values.str.len_bytes() != values.str.len_chars()).unique()
    if non_ascii.len() == 0:
        return values
    visible = non_ascii.str.replace_all(INVISIBLE, "").str.replace_all(NO_BREAK_SPACES, " ")
    tidied = (visible.str.normalize("NFC") if nfc else visible).str.strip_chars()
    changed = non_ascii != tidied
    if not changed.any():
        return values
    return values.replace(non_ascii.filter(changed), tidied.filter(changed)).replace("", None)


def clean_text_frame(
    frame: pl.DataFrame, columns: list[str], nfc_columns: list[str]
) -> pl.DataFrame:
    """The cells of `columns` trimmed, blank → null, invisible characters gone; the
    `nfc_columns` also in NFC."""
    trimmed = frame.with_columns(_trimmed(pl.col(c)).alias(c) for c in columns)
    return trimmed.with_columns(
        nfc_series(trimmed.get_column(c), c in nfc_columns) for c in columns
    )


def _trimmed(expr: pl.Expr) -> pl.Expr:
    return expr.str.strip_chars().replace("", None)  # half the time of when/then
