"""Data checks on built tables: each is a query that returns the rows breaking a rule, so a
check passes when it returns nothing. Dagster runs them as asset checks on the table."""

from dataclasses import dataclass


@dataclass(frozen=True)
class TableCheck:
    table: str
    rule: str
    description: str
    violations_sql: str
    blocking: bool = False
    # the column saying how many rows of the table a violation line stands for, when the query
    # returns groups (one line per code, or per unit and day); none: a line is a row
    rows_column: str | None = None

    @property
    def name(self) -> str:
        return f"{self.table}_{self.rule}"


def _agency_in_operation(table: str, rows: str, description: str) -> TableCheck:
    """The agencies of a fact's rows received outside the agency's validity, with how many rows
    and the first and last such receipt."""
    return TableCheck(
        table,
        "agency_in_operation",
        description,
        f"""select f.agency_code, count(*) as {rows}, min(f.received_at) as first_received,
            max(f.received_at) as last_received
        from {table} f join dim_agency a using (agency_code)
        where cast(f.received_at as date) < coalesce(a.valid_from, date '1900-01-01')
            or cast(f.received_at as date) > coalesce(a.valid_to, date '9999-12-31')
        group by 1""",
        rows_column=rows,
    )


TABLE_CHECKS: tuple[TableCheck, ...] = (
    TableCheck(
        "dim_admin_unit",
        "intervals_do_not_overlap",
        "No two validity intervals of one code share a day, so a join on (code, date) — or "
        "admin_unit_on(code, date) — gives at most one unit.",
        """select a.code, a.valid_from, a.valid_to, b.valid_from as other_from,
            b.valid_to as other_to
        from dim_admin_unit a join dim_admin_unit b
            on a.code = b.code and a.rowid < b.rowid
            and a.valid_from <= b.valid_to and b.valid_from <= a.valid_to""",
        blocking=True,
    ),
    TableCheck(
        "dim_admin_unit_current",
        "one_row_per_code",
        "dim_admin_unit_current holds each unit code once, and some units at all.",
        """select code, count(*) as rows from dim_admin_unit_current group by 1
        having count(*) > 1
        union all
        select 'no unit in force' as code, 0 as rows
        where not exists (select 1 from dim_admin_unit_current)""",
        blocking=True,
    ),
    TableCheck(
        "fact_dossier",
        "one_row_per_dossier",
        "fact_dossier holds each dossier code once (checked on the whole table, in DuckDB).",
        "select dossier_code, count(*) as rows from fact_dossier group by 1 having count(*) > 1",
        blocking=True,
        rows_column="rows",
    ),
    TableCheck(
        "fact_dossier",
        "unit_in_dimension",
        "Every dossier's unit code is in dim_admin_unit and in force on its receipt date.",
        # judged once per (unit, day), not per dossier
        """with pairs as (
            select admin_unit_code, cast(received_at as date) as received_on,
                count(*) as dossiers, min(dossier_code) as example_dossier
            from fact_dossier group by 1, 2
        )
        select p.* from pairs p
        where not exists (select 1 from dim_admin_unit d where d.code = p.admin_unit_code
            and p.received_on between d.valid_from and d.valid_to)""",
        blocking=True,
        rows_column="dossiers",
    ),
    TableCheck(
        "fact_dossier",
        "agency_in_dimension",
        "Dossiers whose agency is not in dim_agency (kept and flagged agency_known = false).",
        "select agency_code, count(*) as dossiers from fact_dossier "
        "where not agency_known group by 1",
        rows_column="dossiers",
    ),
    _agency_in_operation(
        "fact_dossier",
        "dossiers",
        "Dossiers received on a day their agency was not in operation (outside dim_agency's "
        "valid_from–valid_to: an old province's department after the merger, a new one before "
        "it). Kept; the 766 index scores an agency only while it is in operation.",
    ),
    TableCheck(
        "fact_dossier",
        "procedure_in_catalogue",
        "Dossiers whose procedure is not in the catalogue (kept, procedure_known = false).",
        "select procedure_code, count(*) as dossiers from fact_dossier "
        "where not procedure_known group by 1",
        rows_column="dossiers",
    ),
    TableCheck(
        "fact_feedback",
        "agency_in_dimension",
        "Feedback items whose agency is not in dim_agency (kept, agency_known = false).",
        "select agency_code, count(*) as items from fact_feedback "
        "where not agency_known group by 1",
        rows_column="items",
    ),
    _agency_in_operation(
        "fact_feedback",
        "items",
        "Feedback items received on a day their agency was not in operation (outside "
        "dim_agency's valid_from–valid_to). Kept.",
    ),
    TableCheck(
        "fact_welfare_activity",
        "unit_in_dimension",
        "Every welfare row's unit is a unit of dim_admin_unit in force on its date.",
        """select f.org_code, f.admin_unit_code, f.activity_date from fact_welfare_activity f
        where not exists (select 1 from dim_admin_unit d where d.code = f.admin_unit_code
            and f.activity_date between d.valid_from and d.valid_to)""",
        blocking=True,
    ),
    TableCheck(
        "mart_province_scorecard",
        "welfare_value_matches_facts",
        "welfare_value_vnd equals the sum of fact_welfare_activity.value_vnd for the year.",
        """select s.year, s.value, f.total from mart_province_scorecard s
        join (select year, sum(value_vnd) as total from fact_welfare_activity group by 1) f
            using (year)
        where s.indicator_code = 'welfare_value_vnd' and abs(s.value - f.total) > 0.5""",
    ),
    TableCheck(
        "mart_province_scorecard",
        "dossiers_match_facts",
        "dossiers_received equals the received dossiers of fact_dossier for the year.",
        """select s.year, s.value, f.received from mart_province_scorecard s
        join (select year(received_at) as year, count(*) as received from fact_dossier
              where is_received group by 1) f using (year)
        where s.indicator_code = 'dossiers_received' and s.value <> f.received""",
    ),
    TableCheck(
        "mart_service_index_766",
        "total_is_sum_of_groups",
        "The 766 total equals the sum of its group scores and never exceeds the assessable "
        "points, which never exceed 100.",
        """select * from mart_service_index_766
        where abs(total - (coalesce(points_transparency, 0) + coalesce(points_progress, 0)
            + coalesce(points_online_service, 0) + coalesce(points_digitisation, 0)
            + coalesce(points_satisfaction, 0) + coalesce(points_online_payment, 0))) > 0.005
            or total > points_assessable + 1e-9 or points_assessable > 100""",
    ),
    TableCheck(
        "mart_service_index_766_detail",
        "points_within_maximum",
        "Every indicator's points lie between 0 and its maximum, and only a not-assessable or "
        "not-scored indicator has none.",
        """select * from mart_service_index_766_detail
        where points < 0 or points > max_points
            or (points is null) <> (status in ('not_assessable', 'not_scored'))""",
    ),
)


# The files the published rows come from, as load_audit records every one of them (also the
# periods no run has ingested lately, which the staging checks of a run do not see).
AUDIT_CHECKS = (
    TableCheck(
        "load_audit",
        "rows_conserved",
        "For every loaded file, rows read = rows loaded + quarantined + duplicates dropped.",
        """select source, source_file, rows_read, rows_loaded, rows_quarantined, rows_duplicate
        from load_audit where status = 'loaded'
            and rows_read <> rows_loaded + rows_quarantined + rows_duplicate""",
        blocking=True,
    ),
    TableCheck(
        "load_audit",
        "totals_reconciled",
        "Each file's 'Tổng cộng' (totals) row equals the sum of its data rows (the file still "
        "loads; load_audit.totals_message gives both sums).",
        "select source, source_file, period from load_audit "
        "where status = 'loaded' and totals_reconciled = false",
    ),
    TableCheck(
        "load_audit",
        "no_rejected_file",
        "No landing file was rejected whole (unreadable, unknown name or type, a required "
        "column missing); load_audit.message says why one was.",
        "select source, source_file, period from load_audit where status = 'rejected'",
    ),
)

TABLE_CHECKS += AUDIT_CHECKS


def checks_for(table: str) -> tuple[TableCheck, ...]:
    return tuple(c for c in TABLE_CHECKS if c.table == table)
