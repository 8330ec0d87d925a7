"""The data dictionary, generated from the warehouse's own COMMENTs so it cannot drift."""

import duckdb

SPEC_SECTIONS = {
    "mart_dossier_monthly": "[indicators.md §A](indicators.md#a)",
    "mart_procedure_publication": "[indicators.md §B](indicators.md#b)",
    "dim_service_index_766_indicator": "[indicators.md §C](indicators.md#c)",
    "mart_service_index_766": "[indicators.md §C](indicators.md#c)",
    "mart_service_index_766_detail": "[indicators.md §C](indicators.md#c)",
    "mart_engagement_yearly": "[indicators.md §D](indicators.md#d)",
    "mart_feedback_monthly": "[indicators.md §E](indicators.md#e)",
    "mart_province_scorecard": "[indicators.md §F](indicators.md#f)",
}


def missing_comments(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables and columns of the main schema without a comment."""
    tables = con.sql(
        "select table_name from duckdb_tables() where schema_name = 'main' "
        "and not temporary and (comment is null or comment = '')"
    ).fetchall()
    columns = con.sql(
        "select c.table_name || '.' || c.column_name from duckdb_columns() c "
        "join duckdb_tables() t using (database_name, schema_name, table_name) "
        "where c.schema_name = 'main' and not t.temporary "
        "and (c.comment is null or c.comment = '')"
    ).fetchall()
    return [t for (t,) in tables] + [c for (c,) in columns]


def markdown(con: duckdb.DuckDBPyConnection) -> str:
    tables = con.sql(
        "select table_name, comment from duckdb_tables() where schema_name = 'main' "
        "and not temporary order by table_name"
    ).fetchall()
    lines = [
        "# Từ điển dữ liệu — data dictionary",
        "",
        "Generated from the `COMMENT`s of the published warehouse by "
        "`danvan dictionary`; do not edit by hand (a test regenerates it and compares).",
        "Open the file read-only: `duckdb -readonly data/reporting.duckdb`.",
        "",
        "| table | what it holds |",
        "|---|---|",
        *[f"| [`{name}`](#{name}) | {comment} |" for name, comment in tables],
    ]
    for name, comment in tables:
        lines += ["", f"## {name}", "", comment or ""]
        if name in SPEC_SECTIONS:
            lines += ["", f"Formulas: {SPEC_SECTIONS[name]} (each column says its formula)."]
        lines += ["", "| column | type | mô tả — description |", "|---|---|---|"]
        columns = con.sql(
            "select column_name, data_type, comment from duckdb_columns() "
            "where schema_name = 'main' and table_name = ? order by column_index",
            params=[name],
        ).fetchall()
        lines += [f"| `{c}` | {t} | {(d or '').replace('|', '/')} |" for c, t, d in columns]
    return "\n".join(lines) + "\n"
