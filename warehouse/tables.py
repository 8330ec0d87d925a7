"""The published tables, in build order, with what each is built from.

What a table reads is taken from its SQL (warehouse/build.py `sql_reads`), so the lineage
cannot drift from the code; the order of `GROUPS` only breaks ties between independent tables.
Dagster makes one asset per table (assets/model.py); `build_all` runs the same list without
Dagster (tests, benchmarks). A table's description is the COMMENT ON TABLE of its SQL file.
"""

import re
from dataclasses import dataclass

from warehouse.build import SQL_DIR, Warehouse, sql_reads, table_sql

GROUPS = {  # table → its group in the Dagster UI
    "dim_level": "reference",
    "dim_admin_unit": "reference",
    "dim_admin_unit_current": "reference",
    "bridge_admin_unit_2025": "reference",
    "dim_agency": "reference",
    "dim_calendar": "reference",
    "dim_dossier_status": "reference",
    "dim_dossier_channel": "reference",
    "dim_dossier_rating": "reference",
    "dim_feedback_status": "reference",
    "dim_feedback_channel": "reference",
    "dim_organisation": "reference",
    "dim_support_type": "reference",
    "dim_quarantine_reason": "quality",
    "procedure_snapshot": "procedures",
    "dim_procedure": "procedures",
    "fact_dossier": "dossiers",
    "fact_engagement_event": "engagement",
    "fact_feedback": "feedback",
    "fact_welfare_activity": "welfare",
    "fact_mobilization_model": "models",
    "quarantine": "quality",
    "load_audit": "quality",
    "mart_dossier_monthly": "dossiers",
    "mart_procedure_publication": "procedures",
    "mart_engagement_yearly": "engagement",
    "mart_feedback_monthly": "feedback",
    "mart_welfare_yearly": "welfare",
    "mart_models_yearly": "models",
    "mart_commune_yearly": "mass_mobilisation",
    "dim_service_index_766_indicator": "service_index",
    "mart_service_index_766_detail": "service_index",
    "mart_service_index_766": "service_index",
    "mart_source_coverage": "scorecard",
    "mart_province_scorecard": "scorecard",
}


@dataclass(frozen=True)
class Table:
    name: str
    group: str
    reads: tuple[str, ...]  # tables, staging views and reference tables its SQL names

    @property
    def deps(self) -> tuple[str, ...]:
        """The other published tables it is built from."""
        return tuple(name for name in self.reads if name in GROUPS)

    @property
    def description(self) -> str:
        sql = (SQL_DIR / f"{self.name}.sql").read_text(encoding="utf-8")
        found = re.search(rf"comment on table {self.name} is '((?:[^']|'')*)'", sql)
        return found.group(1).replace("''", "'") if found else self.name


def _in_build_order(tables: list[Table]) -> tuple[Table, ...]:
    """Each table after every table it reads; a cycle is an error naming its tables."""
    names = {t.name for t in tables}
    ordered: list[Table] = []
    pending = list(tables)
    while pending:
        done = {t.name for t in ordered}
        ready = [t for t in pending if {r for r in t.reads if r in names} <= done]
        if not ready:
            raise ValueError("tables that read each other: " + ", ".join(t.name for t in pending))
        ordered += ready
        pending = [t for t in pending if t not in ready]
    return tuple(ordered)


def _table(name: str, group: str) -> Table:
    reads = tuple(n for n in sql_reads(table_sql(name)) if n != name)
    return Table(name, group, reads)


TABLES: tuple[Table, ...] = _in_build_order([_table(n, g) for n, g in GROUPS.items()])
TABLE_NAMES = tuple(t.name for t in TABLES)


def build_all(warehouse: Warehouse) -> None:
    with warehouse.connect() as con:
        for table in TABLES:
            warehouse.run(con, table.name)
