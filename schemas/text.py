"""Text normalisation shared by header matching, enum parsing and name resolution."""

import re
import unicodedata

import polars as pl

_SPACES = re.compile(r"\s+")


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def normalise_key(value: str) -> str:
    """The form in which two spellings of a header or label compare equal:
    NFC, case-folded, trimmed, inner whitespace collapsed."""
    return _SPACES.sub(" ", nfc(value).casefold()).strip()


def key_expr(expr: pl.Expr) -> pl.Expr:
    """`normalise_key` as a polars expression (bulk)."""
    return (
        expr.str.normalize("NFC").str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()
    )


def clean_text_expr(expr: pl.Expr, nfc: bool = True) -> pl.Expr:
    """NFC (where letters matter), trimmed; empty strings become null."""
    cleaned = (expr.str.normalize("NFC") if nfc else expr).str.strip_chars()
    return pl.when(cleaned == "").then(None).otherwise(cleaned)
