"""Keyed hashing of ID numbers (HMAC-SHA256), computed in bulk by DuckDB.

DuckDB has sha256 but no hmac; HMAC is two nested sha256 calls over the padded key
(RFC 2104), which keeps the work vectorised instead of a Python loop over rows.
"""

import hashlib

import duckdb
import polars as pl

_BLOCK = 64


def _pads(key: bytes) -> tuple[bytes, bytes]:
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_columns(frame: pl.DataFrame, columns: list[str], key: bytes) -> pl.DataFrame:
    """Replace each of `columns` by the hex HMAC-SHA256 of its trimmed text (nulls stay null)."""
    present = [c for c in columns if c in frame.columns]
    if not present or frame.height == 0:
        return frame
    inner, outer = _pads(key)
    replacements = ", ".join(
        f'case when "{c}" is null then null else '
        f'sha256($outer || unhex(sha256($inner || encode("{c}")))) end as "{c}"'
        for c in present
    )
    con = duckdb.connect()
    try:
        # only the hashed columns cross into DuckDB; it keeps their order, so they line up
        con.register("frame_in", frame.select(present))
        query = f"select {replacements} from frame_in"
        hashed = con.sql(query, params={"inner": inner, "outer": outer}).pl()
    finally:
        con.close()
    return frame.with_columns(hashed.get_column(c) for c in present)
