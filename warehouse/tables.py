"""The published tables, in build order, with what each is built from.

Dagster makes one asset per entry (assets/model.py); `build_all` runs the same list without
Dagster (tests, benchmarks). A table's description is the COMMENT ON TABLE of its SQL file.
"""

import re
from dataclasses import dataclass

from schemas.registry import SOURCES
from warehouse.build import SQL_DIR, Warehouse


@dataclass(frozen=True)
class Table:
    name: str
    deps: tuple[str, ...]  # asset keys: other tables or staging_<source>
    group: str

    @property
    def description(self) -> str:
        sql = (SQL_DIR / f"{self.name}.sql").read_text(encoding="utf-8")
        found = re.search(rf"comment on table {self.name} is '((?:[^']|'')*)'", sql)
        return found.group(1).replace("''", "'") if found else self.name


STAGING = tuple(f"staging_{name}" for name in SOURCES)

TABLES: tuple[Table, ...] = (
    Table("dim_admin_unit", (), "reference"),
    Table("bridge_admin_unit_2025", (), "reference"),
    Table("dim_agency", (), "reference"),
    Table("dim_calendar", (), "reference"),
    Table("procedure_snapshot", ("staging_procedures",), "procedures"),
    Table("dim_procedure", ("procedure_snapshot",), "procedures"),
    Table("fact_dossier", ("staging_dossiers", "dim_procedure", "dim_agency"), "dossiers"),
    Table("fact_engagement_event", ("staging_engagement",), "engagement"),
    Table("fact_feedback", ("staging_feedback", "dim_agency"), "feedback"),
    Table("fact_welfare_activity", ("staging_welfare",), "welfare"),
    Table("fact_mobilization_model", ("staging_models",), "models"),
    Table("quarantine", STAGING, "quality"),
    Table("load_audit", STAGING, "quality"),
    Table("mart_dossier_monthly", ("fact_dossier", "bridge_admin_unit_2025"), "dossiers"),
    Table(
        "mart_procedure_publication",
        ("procedure_snapshot", "fact_dossier", "dim_calendar"),
        "procedures",
    ),
    Table(
        "mart_engagement_yearly", ("fact_engagement_event", "bridge_admin_unit_2025"), "engagement"
    ),
    Table("mart_feedback_monthly", ("fact_feedback",), "feedback"),
    Table("mart_welfare_yearly", ("fact_welfare_activity",), "welfare"),
    Table("mart_models_yearly", ("fact_mobilization_model",), "models"),
    Table(
        "mart_service_index_766_detail",
        (
            "mart_dossier_monthly",
            "mart_feedback_monthly",
            "mart_procedure_publication",
            "dim_agency",
        ),
        "service_index",
    ),
    Table(
        "mart_service_index_766",
        ("mart_service_index_766_detail", "bridge_admin_unit_2025"),
        "service_index",
    ),
    Table(
        "mart_province_scorecard",
        (
            "mart_dossier_monthly",
            "procedure_snapshot",
            "mart_procedure_publication",
            "fact_engagement_event",
            "mart_engagement_yearly",
            "fact_welfare_activity",
            "fact_feedback",
            "fact_mobilization_model",
            "mart_service_index_766",
        ),
        "scorecard",
    ),
)
TABLE_NAMES = tuple(t.name for t in TABLES)


def build_all(warehouse: Warehouse) -> None:
    with warehouse.connect() as con:
        for table in TABLES:
            warehouse.run(con, table.name)
