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


def preview(frame: pl.DataFrame, rows: int = 5) -> dg.MarkdownMetadataValue:
    shown = frame.drop([c for c in frame.columns if c in HIDDEN_COLUMNS]).head(rows)
    if shown.width == 0 or shown.height == 0:
        return dg.MetadataValue.md("_(no rows)_")
    header = "| " + " | ".join(shown.columns) + " |"
    rule = "|" + "---|" * shown.width
    body = [
        "| " + " | ".join("" if v is None else str(v).replace("|", "/") for v in row) + " |"
        for row in shown.iter_rows()
    ]
    return dg.MetadataValue.md("\n".join([header, rule, *body]))
