"""Great Expectations 1.x suites on the published tables, as code.

Each suite checks not-null keys, the uniqueness of the table's grain, value ranges and allowed
sets, and row-count bounds. `validate_published` runs them on frames read from the build about
to be published (GX over DuckDB through SQLAlchemy is broken with duckdb 2: pandas frames are the
way in) and returns one result per table with a result per expectation; `write_report` renders
them as a self-contained HTML page under the data folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

from schemas.common import LEVEL_CODES
from schemas.dossiers import CHANNELS
from schemas.welfare import ORGANISATIONS, SUPPORT_TYPES
from warehouse import index_766
from warehouse.atomic import write_atomic_text
from warehouse.exports import ROWS_FINGERPRINT

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

MAX_ROWS = 100_000_000
UNIT_TYPES_766 = ["province", "provincial_centre", "agency", "district", "commune"]

# Each expectation is written as (GX class name, its arguments): plain data, so importing this
# module — every Dagster process loads it — does not import GX (2.7 s); validate_table does.


def _not_null(*columns):
    return [("ExpectColumnValuesToNotBeNull", {"column": c}) for c in columns]


def _unique(*columns):
    if len(columns) == 1:
        return [("ExpectColumnValuesToBeUnique", {"column": columns[0]})]
    return [("ExpectCompoundColumnsToBeUnique", {"column_list": list(columns)})]


def _share(*columns, low=0.0, high=1.0):
    return [
        ("ExpectColumnValuesToBeBetween", {"column": c, "min_value": low, "max_value": high})
        for c in columns
    ]


def _rows(low=1, high=MAX_ROWS):
    return [("ExpectTableRowCountToBeBetween", {"min_value": low, "max_value": high})]


def _in(column, values):
    return [("ExpectColumnValuesToBeInSet", {"column": column, "value_set": list(values)})]


SUITES: dict[str, list] = {
    "fact_dossier": [
        *_rows(),
        *_not_null(
            "dossier_code",
            "procedure_code",
            "agency_code",
            "admin_unit_code",
            "level",
            "channel",
            "received_at",
            "due_at",
            "status_code",
            "period",
        ),
        *_unique("dossier_code"),
        *_in("level", sorted({code for code, _ in LEVEL_CODES.values()})),
        *_in("channel", sorted(set(CHANNELS.values()))),
        *_share("status_code", low=1, high=10),
        *_in("timeliness", ["early", "on_time", "late", "in_progress", "overdue"]),
        *_share("processing_days", low=0, high=3650),
        *_share("processing_working_days", low=0, high=2600),
        *_in("finished_at_stand_in", ["returned_at", "exported_at"]),
    ],
    "mart_dossier_monthly": [
        *_rows(),
        *_not_null("period", "level", "agency_code", "admin_unit_code", "procedure_field"),
        *_unique("period", "level", "agency_code", "admin_unit_code", "procedure_field"),
        *_share(
            "online_share",
            "on_time_rate",
            "rate_766_progress",
            "input_digitization_rate",
            "e_result_rate",
            "online_payment_rate",
            "satisfaction_766",
        ),
    ],
    "mart_procedure_publication": [
        *_rows(),
        *_unique("snapshot_date"),
        *_share(
            "published_share",
            "published_on_time_share",
            "decision_on_time_share",
            "complete_share",
            "online_share",
            "full_online_share",
            "online_used_share",
        ),
    ],
    "mart_engagement_yearly": [
        *_rows(),
        *_unique("year", "grain", "level", "admin_unit_code", "unit_code_2025"),
        *_in("grain", ["unit", "level", "province"]),
        *_share("periodic_reception_rate", "opinions_resolved_share", "replied_in_time_share"),
    ],
    "mart_feedback_monthly": [
        *_rows(),
        *_unique("period", "agency_code"),
        *_share("handled_on_time_share", "feedback_satisfaction"),
    ],
    "mart_welfare_yearly": [
        *_rows(),
        *_unique("year", "org_code", "admin_unit_code", "support_type"),
        *_in("org_code", ORGANISATIONS),
        *_in("support_type", SUPPORT_TYPES),
        *_share("quantity", low=1, high=10_000_000),
        *_share("value_vnd", low=0, high=1e13),
    ],
    "mart_models_yearly": [*_rows(), *_unique("year", "field", "level", "status")],
    "dim_service_index_766_indicator": [
        *_rows(),
        *_unique("profile", "indicator_code"),
        *_not_null("profile", "group_code", "indicator_code", "max_points", "form"),
        *_in("group_code", index_766.GROUP_CODES),
    ],
    "mart_service_index_766": [
        *_rows(),
        *_unique("profile", "period_type", "period", "unit_type", "unit_code"),
        *_in("period_type", ["month", "quarter", "year"]),
        *_in("unit_type", UNIT_TYPES_766),
        *_share("total", "points_assessable", "total_normalised", low=0, high=100),
        *_in("rating", index_766.load().bands["rating"].unique().to_list()),
    ],
    "mart_service_index_766_detail": [
        *_rows(),
        *_unique("profile", "period_type", "period", "unit_type", "unit_code", "indicator_code"),
        *_not_null("profile", "indicator_code", "status", "max_points"),
        *_in("status", index_766.STATUSES),
        *_share("points", low=0, high=20),
    ],
    "mart_province_scorecard": [
        *_rows(),
        *_not_null("year", "indicator_code", "name_vi", "name_en", "unit"),
        *_unique("year", "indicator_code"),
    ],
}


SAMPLE_ROWS = 250_000  # GX works on pandas: larger tables are validated on a fixed sample


def read_for_validation(con, table: str):
    """The table as a pandas frame; above SAMPLE_ROWS every k-th stored row, an even spread
    over all periods that is the same on every run and reads in parallel (unlike a reservoir
    sample). The grain of fact_dossier is also checked in full by a table check."""
    rows = con.sql(f"select count(*) from {table}").fetchall()[0][0]
    columns = ", ".join(f'"{c}"' for c in suite_columns(table)) or "*"
    if rows <= SAMPLE_ROWS:
        return con.sql(f"select {columns} from {table}").df()
    step = -(-rows // SAMPLE_ROWS)
    # through polars: DuckDB's own pandas conversion of this sample took twice as long
    sample = con.sql(f"select {columns} from {table} where rowid % {step} = 0")
    return sample.pl().to_pandas()


def suite_columns(table: str) -> list[str]:
    """The columns the table's expectations look at: only those are read (fact_dossier: 12
    of 35, which halves the time of its suite)."""
    found: list[str] = []
    for _, arguments in SUITES.get(table, []):
        for column in [arguments.get("column"), *arguments.get("column_list", [])]:
            if column and column not in found:
                found.append(column)
    return found


@dataclass
class SuiteResult:
    table: str
    success: bool
    expectations: list[dict]  # type, columns, success, observed, unexpected_count
    checked_at: str = ""  # ISO local time of the validation
    rows_in_table: int = 0
    rows_validated: int = 0  # fewer than the table's: the suite ran on a sample

    @property
    def sampled(self) -> bool:
        return self.rows_validated < self.rows_in_table

    @property
    def failed(self) -> list[dict]:
        return [e for e in self.expectations if not e["success"]]


def validate_table(table: str, frame) -> SuiteResult:
    """Run the table's suite on a pandas frame."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}  # no tqdm bars in run logs
    source = context.data_sources.add_pandas(name=f"{table}_source")
    batch = source.add_dataframe_asset(name=table).add_batch_definition_whole_dataframe("all")
    suite = context.suites.add(gx.ExpectationSuite(name=f"{table}_suite"))
    for kind, arguments in SUITES[table]:
        suite.add_expectation(getattr(gxe, kind)(**arguments))
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(data=batch, suite=suite, name=f"{table}_validation")
    )
    result = validation.run(batch_parameters={"dataframe": frame})
    rows = []
    for item in result.results:
        kwargs = item.expectation_config.kwargs
        columns = kwargs.get("column") or ", ".join(kwargs.get("column_list", []))
        details = item.result or {}
        rows.append(
            {
                "expectation": item.expectation_config.type,
                "columns": columns,
                "success": bool(item.success),
                "observed": str(details.get("observed_value", ""))[:80],
                "unexpected_count": details.get("unexpected_count", 0) or 0,
            }
        )
    checked_at = dt.datetime.now().replace(microsecond=0).isoformat()
    return SuiteResult(table, bool(result.success), rows, checked_at)


def on_whole_table(result: SuiteResult, rows: int, validated: int) -> SuiteResult:
    """The result said with what it ran on: on a sample, the row-count expectation is judged
    on the table's rows (counted in DuckDB), not on the sample's, and every other expectation
    says it saw a sample."""
    result.rows_in_table, result.rows_validated = rows, validated
    bounds = next(a for kind, a in SUITES[result.table] if kind == "ExpectTableRowCountToBeBetween")
    for e in result.expectations:
        if e["expectation"] == "expect_table_row_count_to_be_between":
            e["success"] = bounds["min_value"] <= rows <= bounds["max_value"]
            e["observed"] = str(rows)
            e["on"], e["rows_seen"] = "whole table", rows
        else:
            e["on"] = "whole table" if validated >= rows else f"sample of {validated:,} rows"
            e["rows_seen"] = validated
    result.success = all(e["success"] for e in result.expectations)
    return result


# what a result on record was computed with: these suites and sampling, this GX
SUITES_VERSION = hashlib.sha256(
    Path(__file__).read_bytes() + version("great_expectations").encode()
).hexdigest()[:16]


def validate_published(
    con, tables: list[str], record: Path, contents: dict[str, str] | None = None
) -> tuple[list[SuiteResult], set[str]]:
    """Each table's suite result, and the tables whose result was taken from `record` instead
    of being validated again: a table whose content (row count and row hashes) and suite are
    those of the recorded result would give that result again. A nightly run over unchanged
    files then neither imports GX (2.5 s) nor validates. `contents`: tables' content already
    known (the export's per-period fingerprints), not hashed again."""
    known = _read_record(record)
    results, reused = [], set()
    for table in tables:
        content = (contents or {}).get(table) or con.sql(
            f"select {ROWS_FINGERPRINT} from {table} t"
        ).fetchall()[0][0]
        key = f"{SUITES_VERSION}:{content}"
        previous = known.get(table)
        if previous is not None and previous["key"] == key:
            results.append(SuiteResult(**previous["result"]))
            reused.add(table)
            continue
        frame = read_for_validation(con, table)
        rows = con.sql(f"select count(*) from {table}").fetchall()[0][0]
        result = on_whole_table(validate_table(table, frame), rows, len(frame))
        known[table] = {"key": key, "result": asdict(result)}
        results.append(result)
    write_atomic_text(json.dumps(known, ensure_ascii=False, indent=1), record)
    return results, reused


def _read_record(record: Path) -> dict:
    """The results on record; none if the file is missing or unreadable (all suites run)."""
    try:
        found = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def write_report(results: list[SuiteResult], target: Path) -> Path:
    """A self-contained HTML page of every suite and expectation (no CDN, views offline)."""
    style = (
        "body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;"
        "border-bottom:1px solid #ddd}.ok{color:#1a7f37}.bad{color:#b42318;font-weight:bold}"
    )
    parts = [
        "<!doctype html><meta charset='utf-8'><title>Kiểm định dữ liệu — GX validation</title>",
        f"<style>{style}</style>",
        "<h1>Kiểm định dữ liệu — Great Expectations validation of the published tables</h1>",
    ]
    for suite in results:
        mark = (
            "<span class='ok'>đạt / passed</span>"
            if suite.success
            else "<span class='bad'>không đạt / failed</span>"
        )
        seen = (
            f"mẫu {suite.rows_validated:,} / {suite.rows_in_table:,} dòng — a sample of "
            f"{suite.rows_validated:,} of {suite.rows_in_table:,} rows (the row count on the "
            "whole table)"
            if suite.sampled
            else f"toàn bảng — the whole table, {suite.rows_in_table:,} rows"
        )
        parts.append(
            f"<h2>{html.escape(suite.table)}: {mark}</h2><p>{seen}</p><table><tr>"
            "<th>expectation</th><th>columns</th><th>result</th><th>observed</th>"
            "<th>unexpected</th><th>on</th></tr>"
        )
        for e in suite.expectations:
            css = "ok" if e["success"] else "bad"
            parts.append(
                f"<tr><td>{html.escape(e['expectation'])}</td><td>{html.escape(e['columns'])}</td>"
                f"<td class='{css}'>{'✓' if e['success'] else '✗'}</td>"
                f"<td>{html.escape(e['observed'])}</td><td>{e['unexpected_count']}</td>"
                f"<td>{html.escape(e.get('on', ''))}</td></tr>"
            )
        parts.append("</table>")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(parts), encoding="utf-8")
    return target
