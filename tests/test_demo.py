"""The calibrated demo: generated exports (scale 1) through the whole pipeline reproduce the
province's published 2024 dossier and procedure figures, every injected defect has exactly its
documented effect, and no personal data from the inputs reaches the outputs."""

import re

import duckdb
import polars as pl
import pytest

from pipelines.generate.defects import DEFECTS, expected_totals
from schemas.reasons import REASONS
from warehouse.scorecard import compare_published, read_scorecard


@pytest.fixture(scope="module")
def reporting(demo):
    settings, summary = demo
    assert summary.published, summary.failures
    con = duckdb.connect(summary.published, read_only=True)
    yield con
    con.close()


def test_demo_run_succeeds(demo):
    _, summary = demo
    assert summary.ok, summary.failures


def test_every_published_2024_figure_is_reproduced(demo):
    settings, _ = demo
    comparison = compare_published(read_scorecard(settings.data_dir / "reporting.duckdb", 2024))
    assert comparison.height == 13
    assert comparison["matches"].all(), comparison


def test_exact_mass_organisation_figures(reporting):
    values = dict(
        reporting.sql(
            "select indicator_code, value from mart_province_scorecard where year = 2024"
        ).fetchall()
    )
    assert values["dialogues_held"] == 140
    assert (values["periodic_receptions_held"], values["periodic_receptions_scheduled"]) == (
        301,
        314,
    )
    assert values["gifts_given"] == 395_218 and values["scholarships_given"] == 1_000
    assert values["houses_built_or_repaired"] == 305
    assert values["welfare_value_vnd"] == 165_340_000_000


def test_the_disagreeing_totals_row_is_reported_not_fixed(reporting):
    rows = reporting.sql(
        "select source_file, totals_message from load_audit where totals_reconciled = false"
    ).fetchall()
    assert (
        rows == [("welfare/an_sinh_HND_2024-Q3.csv", rows[0][1])]
        and "Tổng cộng row says" in rows[0][1]
    )
    (checked,) = reporting.sql(
        "select count(*) from load_audit where source = 'welfare' and totals_reconciled"
    ).fetchall()[0]
    assert checked == 23  # 24 files with totals rows, one superseded, one disagreeing


def test_exact_provincial_centre_counts(reporting):
    values = dict(
        reporting.sql(
            "select indicator_code, value from mart_province_scorecard where year = 2024"
        ).fetchall()
    )
    assert values["dossiers_received_provincial_centre"] == 94_665
    assert values["dossiers_received_online_provincial_centre"] == 50_693
    assert values["dossiers_finished_provincial_centre"] == 94_985
    assert values["dossiers_late_provincial_centre"] == 146
    assert round(values["dossiers_on_time_rate_provincial_centre"] * 100, 2) == 99.85
    assert 300_000 <= values["dossiers_received"] <= 700_000


@pytest.mark.parametrize(
    "source", ["dossiers", "procedures", "engagement", "feedback", "welfare", "models"]
)
def test_defect_totals_match_the_audit(reporting, source):
    expected = expected_totals(source)
    got = dict(
        zip(
            ["quarantined", "duplicates", "superseded_files", "unmatched_files"],
            reporting.sql(
                "select coalesce(sum(rows_quarantined), 0), coalesce(sum(rows_duplicate), 0), "
                "count(*) filter (status = 'superseded'), "
                "count(*) filter (status = 'rejected' and period = '') "
                "from load_audit where source = ?",
                params=[source],
            ).fetchall()[0],
            strict=True,
        )
    )
    assert got == expected
    (conserved,) = reporting.sql(
        "select bool_and(rows_read = rows_loaded + rows_quarantined + rows_duplicate) "
        "from load_audit where status = 'loaded'"
    ).fetchall()[0]
    assert conserved


@pytest.mark.parametrize(
    "defect", [d for d in DEFECTS if d.quarantined and d.year == 2024], ids=lambda d: d.name
)
def test_each_quarantine_defect_has_its_reason(reporting, defect):
    (count,) = reporting.sql(
        "select count(*) from quarantine where source = ? and period = ? and contains(reason, ?)",
        params=[defect.source, defect.period, defect.reason_contains],
    ).fetchall()[0]
    assert count == defect.quarantined


def test_labelled_encoded_and_spreadsheet_months_all_load(reporting):
    rows = dict(
        reporting.sql("select period, count(*) from fact_dossier group by period").fetchall()
    )
    assert set(rows) == {f"2023-{m}" for m in ("11", "12")} | {
        f"2024-{m:02d}" for m in range(1, 13)
    }
    assert all(n > 10_000 for n in rows.values())
    unknown = reporting.sql(
        "select count(*) from fact_dossier where not procedure_known"
    ).fetchall()[0][0]
    assert unknown == 20


def _samples(demo) -> dict[str, list[str]]:
    settings, _ = demo
    files = sorted((settings.landing_dir / "dossiers").glob("*__*.csv"))[:3]
    people = (
        pl.concat(
            [
                pl.read_csv(
                    f, infer_schema=False, columns=["Họ tên chủ hồ sơ", "Số CCCD", "Số điện thoại"]
                )
                for f in files
            ]
        )
        .unique()
        .head(400)
    )
    return {
        "names": people["Họ tên chủ hồ sơ"].to_list(),
        "ids": people["Số CCCD"].to_list(),
        "phones": people["Số điện thoại"].to_list(),
    }


def _leaks(con, samples) -> list[str]:
    # digits must stand alone: a 64-character hex hash may contain a phone-like run by chance
    patterns = {
        kind: (
            "(^|[^0-9a-f])(" + "|".join(re.escape(v) for v in values) + ")([^0-9a-f]|$)"
            if kind != "names"
            else "|".join(re.escape(v) for v in values)
        )
        for kind, values in samples.items()
    }
    found = []
    for table, column in con.sql(
        "select table_name, column_name from duckdb_columns() "
        "where data_type = 'VARCHAR' and schema_name = 'main' and not internal"
    ).fetchall():
        for kind, pattern in patterns.items():
            (hits,) = con.sql(
                f'select count(*) from "{table}" where regexp_matches("{column}", ?)',
                params=[pattern],
            ).fetchall()[0]
            if hits:
                found.append(f"{table}.{column}: {hits} {kind}")
    return found


def test_no_personal_data_in_the_published_warehouse(demo, reporting):
    samples = _samples(demo)
    assert len(samples["ids"]) > 100
    assert _leaks(reporting, samples) == []


def test_no_personal_data_in_staging_or_quarantine_files(demo):
    settings, _ = demo
    con = duckdb.connect()
    for folder in ("staging", "quarantine"):
        for source in ("dossiers", "procedures"):
            glob = (settings.data_dir / folder / source / "*.parquet").as_posix()
            con.execute(
                f"create or replace view {folder}_{source} as select * from read_parquet('{glob}')"
            )
    assert _leaks(con, _samples(demo)) == []


def test_commune_level_marts_read_in_2025_units(reporting):
    for table, code, where in (
        ("mart_dossier_monthly", "unit_code_2025", "level = 'commune'"),
        ("mart_engagement_yearly", "unit_code_2025", "grain = 'unit' and level = 'commune'"),
        ("mart_service_index_766", "unit_code_2025", "unit_type = 'commune'"),
    ):
        missing, total = reporting.sql(
            f"select count(*) filter ({code} is null), count(*) from {table} where {where}"
        ).fetchall()[0]
        assert total > 0 and missing == 0, table


def test_every_failed_check_of_the_demo_is_an_injected_defect(demo):
    from pipelines.generate.defects import explain_failed_checks

    _, summary = demo
    names = sorted(str(check) for check in summary.failed_checks)
    assert names == [
        "fact_dossier_procedure_in_catalogue",
        "landing_inventory_all_files_matched",
        "load_audit_no_rejected_file",
        "load_audit_totals_reconciled",
        "staging_welfare_totals_reconciled[2024-Q3]",
    ]
    assert "NOT an injected defect" not in explain_failed_checks(summary.failed_checks)


def test_every_quarantined_row_and_rejected_file_has_a_described_reason_code(reporting):
    listed = reporting.sql("select reason_code, text_vi, text_en from dim_quarantine_reason")
    rows = listed.fetchall()
    assert {code for code, _, _ in rows} == set(REASONS) and all(vi and en for _, vi, en in rows)
    assert reporting.sql("select count(*) from quarantine").fetchall()[0][0] > 0
    undescribed = reporting.sql(
        "select count(*) from (select reason_code from quarantine union all "
        "select reason_code from load_audit where status = 'rejected') "
        "where reason_code is null or reason_code not in (select reason_code from "
        "dim_quarantine_reason)"
    ).fetchall()[0][0]
    assert undescribed == 0
