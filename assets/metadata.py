"""Metadata helpers: row counts, column schemas and previews that never show personal data."""

import dagster as dg
import polars as pl

HIDDEN_COLUMNS = {
    "applicant_key",
    "raw",
}  # hashed IDs and raw quarantined values stay out of the UI


def column_schema(columns: list[tuple[str, str, str | None]]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(name, type_, description=desc) for name, type_, desc in columns]
    )


def preview(frame: pl.DataFrame, rows: int = 5) -> dg.TableMetadataValue:
    """The first rows as a table the UI shows in place (not behind a button); values as text."""
    shown = frame.drop([c for c in frame.columns if c in HIDDEN_COLUMNS]).head(rows)
    records = [
        dg.TableRecord({k: None if v is None else str(v) for k, v in row.items()})
        for row in shown.to_dicts()  # a handful of rows
    ]
    return dg.MetadataValue.table(
        records=records,
        schema=dg.TableSchema(columns=[dg.TableColumn(c, "string") for c in shown.columns]),
    )
