"""The data dictionary, generated so that it cannot drift: tables, columns and macros from the
warehouse's own COMMENTs, each table's lineage from its SQL (warehouse/tables.py) and the checks
that guard it from their definitions (warehouse/checks.py, warehouse/expectations.py)."""

import duckdb

from schemas.registry import SOURCES
from warehouse.build import PUBLISH_TABLES
from warehouse.checks import checks_for
from warehouse.expectations import SUITES
from warehouse.tables import TABLES

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
# what the reference tables of the build are (warehouse/build.py REFERENCE_TABLES)
REFERENCE_DESCRIPTIONS = {
    "stg_audit": "the load audit records of every ingest and of the landing inventory",
    "ref_admin_units": "the GSO units shipped in `warehouse/reference/admin_units_lam_dong.csv`",
    "ref_admin_unit_changes": "the unit changes shipped in "
    "`warehouse/reference/admin_unit_changes_lam_dong*.csv`",
    "ref_levels": "the level labels of the exports and the one level vocabulary "
    "(`warehouse/reference.py`)",
    "ref_scope": "the province in scope and the reform date (`warehouse/reference.py`)",
    "ref_agencies": "`<landing>/reference/agencies.csv`, else the shipped sample list",
    "ref_calendar": "the working-day calendar (`warehouse/calendar.py`)",
    "ref_766_indicators": "the 766 weights and thresholds (`warehouse/service_index_766.yaml`)",
    "ref_766_groups": "the 766 groups and their points (`warehouse/service_index_766.yaml`)",
    "ref_766_bands": "the 766 rating bands (`warehouse/service_index_766.yaml`)",
    "ref_lookups": "the codes and labels of the schemas, with English text "
    "(`warehouse/lookups.py`)",
    "ref_quarantine_reasons": "the reason codes of quarantined rows and rejected files "
    "(`schemas/reasons.py`)",
}
_GX_WORDS = {
    "ExpectColumnValuesToNotBeNull": "not null",
    "ExpectColumnValuesToBeUnique": "unique",
    "ExpectCompoundColumnsToBeUnique": "unique together",
    "ExpectColumnValuesToBeInSet": "in its allowed set",
    "ExpectColumnValuesToBeBetween": "within bounds",
}


def missing_comments(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Tables, columns and macros of the main schema without a comment."""
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
    macros = [name for name, _, _, comment in _macros(con) if not comment]
    return [t for (t,) in tables] + [c for (c,) in columns] + macros


def _macros(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, list[str], str | None]]:
    return con.sql(
        "select function_name, function_type, parameters, comment from duckdb_functions() "
        "where schema_name = 'main' and not internal "
        "and function_type in ('macro', 'table_macro') order by function_name"
    ).fetchall()


def _read_item(name: str) -> str:
    """How the dictionary names something a table is built from."""
    if name.startswith("stg_") and name[4:] in SOURCES:
        spec = SOURCES[name[4:]]
        return f"staged rows of `{spec.name}` (landing `{spec.folder}/`)"
    if name == "stg_quarantine":
        return "the quarantined rows of every source"
    if name in REFERENCE_DESCRIPTIONS:
        return REFERENCE_DESCRIPTIONS[name]
    return f"[`{name}`](#{name})"


def _lineage(name: str) -> list[str]:
    table = next((t for t in TABLES if t.name == name), None)
    if table is None:
        if name in PUBLISH_TABLES:
            return ["Written by each publish (`warehouse/build.py`), not built from other tables."]
        return []
    lines = ["Built from: " + ", ".join(_read_item(r) for r in table.reads) + "."]
    used_by = [t.name for t in TABLES if name in t.deps]
    if used_by:
        lines.append("Used by: " + ", ".join(f"[`{u}`](#{u})" for u in used_by) + ".")
    return lines


def _suite_summary(table: str) -> str:
    grouped: dict[str, list[str]] = {}
    bounds = ""
    for kind, arguments in SUITES[table]:
        if kind == "ExpectTableRowCountToBeBetween":
            bounds = f"{arguments['min_value']:,}–{arguments['max_value']:,} rows"
            continue
        column = arguments.get("column") or "(" + ", ".join(arguments["column_list"]) + ")"
        grouped.setdefault(_GX_WORDS.get(kind, kind), []).append(f"`{column}`")
    parts = [f"{word}: {', '.join(columns)}" for word, columns in grouped.items()]
    return "; ".join(parts + ([bounds] if bounds else []))


def _checks(name: str) -> list[str]:
    lines = [
        f"- `{c.name}` ({'blocking' if c.blocking else 'warning'}): {c.description}"
        for c in checks_for(name)
    ]
    if name in SUITES:
        lines.append(f"- `{name}_gx_suite` (Great Expectations): {_suite_summary(name)}.")
    return ["Checks (results in `check_results`):", "", *lines] if lines else []


def markdown(con: duckdb.DuckDBPyConnection) -> str:
    tables = con.sql(
        "select table_name, comment from duckdb_tables() where schema_name = 'main' "
        "and not temporary order by table_name"
    ).fetchall()
    macros = _macros(con)
    lines = [
        "# Từ điển dữ liệu — data dictionary",
        "",
        "Generated by `danvan dictionary` from the `COMMENT`s of the published warehouse, the "
        "tables' SQL (what each is built from) and the checks' definitions; do not edit by hand "
        "(a test regenerates it and compares).",
        "Open the file read-only: `duckdb -readonly data/reporting.duckdb`.",
        "",
        "| table | what it holds |",
        "|---|---|",
        *[f"| [`{name}`](#{name}) | {comment} |" for name, comment in tables],
    ]
    if macros:
        lines += ["", "| macro | what it gives |", "|---|---|"]
        lines += [
            f"| `{name}({', '.join(parameters)})` | {comment or ''} |"
            for name, _, parameters, comment in macros
        ]
    for name, comment in tables:
        lines += ["", f"## {name}", "", comment or ""]
        if name in SPEC_SECTIONS:
            lines += ["", f"Formulas: {SPEC_SECTIONS[name]} (each column says its formula)."]
        lineage = _lineage(name)
        if lineage:
            lines += ["", *lineage]
        checks = _checks(name)
        if checks:
            lines += ["", *checks]
        lines += ["", "| column | type | mô tả — description |", "|---|---|---|"]
        columns = con.sql(
            "select column_name, data_type, comment from duckdb_columns() "
            "where schema_name = 'main' and table_name = ? order by column_index",
            params=[name],
        ).fetchall()
        lines += [f"| `{c}` | {t} | {(d or '').replace('|', '/')} |" for c, t, d in columns]
    return "\n".join(lines) + "\n"
