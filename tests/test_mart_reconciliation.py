"""Sum of a mart = its fact (#19): for every published mart and every additive column (a count or
an amount), the sum over each of its grains equals the same figure counted on the fact rows.

The marts and their columns are read from the warehouse (`TABLE_NAMES`, the columns' types), so
a new mart or a new count column fails here until it is reconciled below or said not to add
up, with the reason."""

import duckdb
import pytest

from tests.test_reform import built  # noqa: F401  (the fixture: 2025–2026 exports of every source)
from warehouse.build import render_sql
from warehouse.reference import scope_frame
from warehouse.tables import TABLE_NAMES

MARTS = tuple(name for name in TABLE_NAMES if name.startswith("mart_"))
ADDITIVE_TYPES = ("BIGINT", "INTEGER", "HUGEINT", "DECIMAL")


class Reconciliation:
    """`key`: the mart's period as SQL over its columns; `facts`: one query giving `key` and a
    column per additive column of the mart, counted on the fact rows; `grain`: the column that
    tells its grains apart (each grain must add up alone)."""

    def __init__(self, key: str, facts: str, grain: str | None = None):
        self.key, self.facts, self.grain = key, facts, grain


_DOSSIERS_RECEIVED = """
    select year(received_at) as key,
        count(*) as received,
        count(*) filter (channel = 2) as received_online,
        count(*) filter (channel = 1) as received_direct,
        count(*) filter (channel = 3) as received_postal,
        count(*) filter (inputs_digitized) as received_digitized,
        count(*) filter (procedure_has_fee) as received_with_fee,
        count(*) filter (procedure_has_fee and online_payment in (1, 2)) as paid_online
    from fact_dossier where is_received group by 1"""
_DOSSIERS_FINISHED = """
    select year(finished_at) as key,
        count(*) as finished,
        count(*) filter (timeliness = 'early') as finished_early,
        count(*) filter (timeliness = 'on_time') as finished_on_time,
        count(*) filter (timeliness = 'late') as finished_late,
        count(*) filter (timeliness in ('early', 'on_time')) as finished_in_time,
        count(*) filter (status_code in (9, 10)) as finished_with_result,
        count(*) filter (status_code in (9, 10) and e_result) as e_results,
        count(*) filter (rating = 'Không hài lòng') as rated_not_satisfied,
        sum(date_diff('second', received_at, finished_at)) as processing_seconds,
        sum(processing_working_days) as processing_working_days
    from fact_dossier where is_finished group by 1"""
_ENGAGEMENT = """
    select year as key,
        count(*) filter (event_type = 'Đối thoại' and is_held) as dialogues_held,
        count(*) filter (event_type = 'Tiếp công dân định kỳ' and planned
            and chair_group = 'Bí thư') as periodic_receptions_scheduled,
        count(*) filter (event_type = 'Tiếp công dân định kỳ' and planned
            and chair_group = 'Bí thư' and is_held) as periodic_receptions_held,
        count(*) filter (event_type = 'Tiếp công dân đột xuất' and is_held)
            as adhoc_receptions_held,
        coalesce(sum(citizens_received), 0) as citizens_received,
        coalesce(sum(opinions_raised), 0) as opinions_raised,
        coalesce(sum(opinions_resolved), 0) as opinions_resolved,
        coalesce(sum(replied_in_time), 0) as replied_in_time,
        count(distinct (level, admin_unit_code, event_date)) filter (
            event_type = 'Tiếp công dân định kỳ' and chair_group = 'Bí thư' and is_held
        ) as periodic_reception_days_held
    from fact_engagement_event group by 1"""
_WELFARE = """
    select year as key,
        count(*) as activities,
        count(*) as welfare_activities,
        sum(quantity) as quantity,
        sum(quantity) filter (support_type = 'Tặng quà') as gifts_given,
        sum(quantity) filter (support_type = 'Học bổng') as scholarships_given,
        sum(quantity) filter (support_type in ('Xây mới nhà', 'Sửa chữa nhà'))
            as houses_built_or_repaired,
        sum(value_vnd) as value_vnd,
        sum(value_vnd) as welfare_value_vnd
    from fact_welfare_activity group by 1"""
_MODELS = """
    select register_year as key,
        count(*) as models,
        count(*) as models_registered,
        count(*) filter (is_recognised) as models_recognised
    from fact_mobilization_model group by 1"""


def _outer(*queries: str) -> str:
    """Several per-key queries side by side (a key missing from one gives that one's NULLs)."""
    named = [f"q{i}" for i in range(len(queries))]
    keys = " union ".join(f"select key from ({q})" for q in queries)
    joins = "".join(
        f" left join ({q}) {n} using (key)" for q, n in zip(queries, named, strict=True)
    )
    return f"select * from ({keys}) k{joins}"


RECONCILED = {
    "mart_dossier_monthly": Reconciliation(
        "cast(left(period, 4) as integer)", _outer(_DOSSIERS_RECEIVED, _DOSSIERS_FINISHED)
    ),
    "mart_feedback_monthly": Reconciliation(
        "cast(left(period, 4) as integer)",
        _outer(
            """select year(received_at) as key, count(*) as received,
                count(*) filter (reaction = 'Không hài lòng') as not_satisfied,
                count(*) filter (repeat_complaint) as repeat_complaints
            from fact_feedback group by 1""",
            """select year(handled_at) as key, count(*) as handled,
                count(*) filter (handled_on_time) as handled_on_time
            from fact_feedback where is_handled group by 1""",
        ),
    ),
    "mart_procedure_publication": Reconciliation(
        "snapshot_date",
        """select snapshot_date as key, count(*) as active,
            count(*) filter (published_at is not null) as published,
            count(*) filter (legal_effective_date is not null) as with_effective_date,
            count(*) filter (components_complete) as complete,
            count(*) filter (online_level is not null) as with_online_service,
            count(*) filter (full_online_eligible) as eligible_full_online,
            count(*) filter (full_online_eligible and online_level = 'Toàn trình') as full_online
        from procedure_snapshot where status = 'Đang áp dụng' group by 1""",
    ),
    "mart_engagement_yearly": Reconciliation("year", _ENGAGEMENT, grain="grain"),
    "mart_welfare_yearly": Reconciliation("year", _WELFARE),
    "mart_models_yearly": Reconciliation("year", _MODELS),
    "mart_commune_yearly": Reconciliation("year", _outer(_ENGAGEMENT, _WELFARE, _MODELS)),
}

# additive-looking columns that are not sums of fact rows, and why
NOT_ADDITIVE = {
    "months_covered": "the coverage of the year, the same on every row of it",
    "engagement_months_covered": "the coverage of the year, the same on every row of it",
    "welfare_months_covered": "the coverage of the year, the same on every row of it",
    "models_months_covered": "the coverage of the year, the same on every row of it",
    "year": "the period itself",
}
NOT_ADDITIVE_IN = {
    "mart_dossier_monthly": dict.fromkeys(
        (
            "in_progress",
            "in_progress_overdue",
            "in_progress_paused",
            "progress_766_in_time",
            "progress_766_base",
            "satisfaction_766_deductions",
        ),
        "counts the dossiers open at each month's end, a stock: a year's months count a "
        "dossier once per month it stays open (tests/test_marts.py counts them by hand)",
    ),
    "mart_feedback_monthly": dict.fromkeys(
        ("open_at_end", "overdue_open", "satisfaction_deductions"),
        "items open at each month's end, a stock (tests/test_marts_mass.py)",
    ),
    "mart_procedure_publication": dict.fromkeys(
        ("published_on_time", "decision_on_time", "online_used"),
        "needs the working-day calendar or the year's dossiers, not a count of snapshot rows "
        "(tests/test_marts.py::test_procedure_publication counts them by hand)",
    ),
    "mart_engagement_yearly": dict.fromkeys(
        (
            "periodic_reception_norm_days",
            "periodic_reception_months_short",
            "periodic_reception_norm_units",
        ),
        "the norm of every unit in force, also of units with no row in the fact "
        "(tests/test_reception_norm.py)",
    ),
}
# marts with no sum to reconcile, and why
NOT_RECONCILED = {
    "mart_source_coverage": "months per source and year: coverage, not a sum of rows",
    "mart_province_scorecard": "long form: one value per indicator, checked against the marts "
    "and the published 2024 figures (tests/test_marts.py, tests/test_demo.py)",
    "mart_service_index_766": "scores (points), not counts",
    "mart_service_index_766_detail": "each indicator's numerator and denominator over its own "
    "window and rules, per unit and period: not one sum of fact rows "
    "(tests/test_index_766.py, tests/test_index_766_portal.py)",
}


def additive_columns(con, mart: str) -> list[str]:
    rows = con.sql(
        "select column_name, data_type from duckdb_columns() where table_name = ? "
        "order by column_index",
        params=[mart],
    ).fetchall()
    skip = NOT_ADDITIVE | NOT_ADDITIVE_IN.get(mart, {})
    return [
        name
        for name, data_type in rows
        if data_type.startswith(ADDITIVE_TYPES) and name not in skip
    ]


def mismatches(con, mart: str) -> list[tuple]:
    """(grain, key, column, mart's sum, facts' count) wherever they differ; a column with no
    count on the facts side is a mismatch too."""
    spec = RECONCILED[mart]
    columns = additive_columns(con, mart)
    grain = spec.grain or "'all'"
    sums = ", ".join(f"sum({c}) as {c}" for c in columns)
    mart_rows = con.sql(
        f"select {grain} as grain, {spec.key} as key, {sums} from {mart} group by all"
    ).pl()
    facts = con.sql(spec.facts).pl()
    missing = [c for c in columns if c not in facts.columns]
    found = [(None, None, c, "no count on the facts side", None) for c in missing]
    expected = {row["key"]: row for row in facts.iter_rows(named=True)}
    for row in mart_rows.iter_rows(named=True):
        fact = expected.get(row["key"], {})
        for column in columns:
            if column in missing:
                continue
            got, want = row[column] or 0, fact.get(column) or 0
            if got != want:
                found.append((row["grain"], row["key"], column, got, want))
    # a period of the facts the mart lost entirely
    for key, fact in expected.items():
        if key not in set(mart_rows["key"]) and any(fact.get(c) for c in columns):
            found.append((None, key, "*", None, "rows in the facts, none in the mart"))
    return found


def test_every_mart_is_reconciled_or_says_why_not():
    assert set(MARTS) == set(RECONCILED) | set(NOT_RECONCILED)
    assert not set(RECONCILED) & set(NOT_RECONCILED)


@pytest.mark.parametrize("mart", sorted(RECONCILED))
def test_each_grain_of_the_mart_adds_up_to_its_fact(built, mart):  # noqa: F811
    _, _, con = built
    assert additive_columns(con, mart), f"{mart}: no additive column found"
    assert mismatches(con, mart) == []


def test_the_engagement_grains_are_told_apart(built):  # noqa: F811
    """Summing every row of the engagement mart counts each dialogue once per grain."""
    _, _, con = built
    ((all_rows, one_grain, grains),) = con.sql(
        "select sum(dialogues_held), sum(dialogues_held) filter (grain = 'unit'), "
        "count(distinct grain) from mart_engagement_yearly"
    ).fetchall()
    assert grains == 3 and one_grain > 0 and all_rows == 3 * one_grain


def test_a_mart_that_lost_a_row_or_a_column_is_caught(built, tmp_path):  # noqa: F811
    _, data, _ = built
    con = duckdb.connect()
    con.execute(f"attach '{data / 'build.duckdb'}' as b (read_only)")
    con.execute("create view fact_welfare_activity as from b.fact_welfare_activity")
    con.execute(
        "create table mart_welfare_yearly as from b.mart_welfare_yearly "
        "where admin_unit_code <> '68'"
    )
    lost = mismatches(con, "mart_welfare_yearly")
    assert {column for _, _, column, *_ in lost} == {"activities", "quantity", "value_vnd"}
    con.execute("create or replace table mart_welfare_yearly as from b.mart_welfare_yearly")
    con.execute("alter table mart_welfare_yearly add column gifts bigint default 1")
    assert mismatches(con, "mart_welfare_yearly") == [
        (None, None, "gifts", "no count on the facts side", None)
    ]


def test_a_model_without_a_unit_counts_on_the_province_row(built):  # noqa: F811
    _, data, _ = built
    con = duckdb.connect()
    con.execute(f"attach '{data / 'build.duckdb'}' as b (read_only)")
    for table in ("fact_engagement_event", "fact_welfare_activity", "dim_admin_unit"):
        con.execute(f"create view {table} as from b.{table}")
    con.execute("create table mart_source_coverage as from b.mart_source_coverage")
    con.execute(
        "create table fact_mobilization_model as from b.fact_mobilization_model; "
        "insert into fact_mobilization_model by name select 2025 as register_year, "
        "'Không rõ đơn vị' as model_name, true as is_recognised"
    )
    con.register("ref_scope", scope_frame())
    con.execute(render_sql("mart_commune_yearly"))
    assert mismatches(con, "mart_commune_yearly") == []
    assert con.sql(
        "select models_registered, models_recognised from mart_commune_yearly "
        "where year = 2025 and unit_code_2025 = '68'"
    ).fetchall() == [(2, 1)]  # the district's model of tests/test_reform.py, and this one


def test_the_demo_marts_add_up_to_their_facts(demo):
    settings, _ = demo
    con = duckdb.connect(str(settings.data_dir / "reporting.duckdb"), read_only=True)
    try:
        assert {mart: mismatches(con, mart) for mart in RECONCILED} == dict.fromkeys(RECONCILED, [])
    finally:
        con.close()
