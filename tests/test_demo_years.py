"""The three-year demo (`danvan demo`): 2024 calibrated, 2025 and 2026 at the demo's scale, run
once through Dagster. 2024 still reproduces 13/13, the later years fill the marts, the 766 index
rates every new commune, and only the injected defects are quarantined or fail checks."""

import os

import duckdb
import pytest

from pipelines.generate import DEMO_SCALES, generate
from pipelines.generate.defects import expected_totals, explain_failed_checks
from warehouse.scorecard import compare_published, read_scorecard

pytestmark = pytest.mark.slow
YEARS = tuple(DEMO_SCALES)


@pytest.fixture(scope="module")
def three_years(tmp_path_factory):
    from pipelines.runner import run_pipeline
    from warehouse.settings import Settings

    root = tmp_path_factory.mktemp("demo_years")
    os.environ["DANVAN_PII_KEY"] = "test-key"
    for year, scale in DEMO_SCALES.items():
        generate(root / "landing", year=year, scale=scale)
    settings = Settings.from_env(root / "landing", root / "data")
    summary = run_pipeline(settings, echo=lambda _: None)
    con = duckdb.connect(str(settings.data_dir / "reporting.duckdb"), read_only=True)
    yield settings, summary, con
    con.close()


def test_2024_still_reproduces_every_published_figure(three_years):
    settings, summary, _ = three_years
    assert summary.ok, summary.failures
    comparison = compare_published(read_scorecard(settings.data_dir / "reporting.duckdb", 2024))
    assert comparison.height == 13 and comparison["matches"].all(), comparison


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_later_years_fill_the_marts(three_years, year):
    *_, con = three_years
    for table, where in (
        ("mart_dossier_monthly", f"period like '{year}-%'"),
        ("mart_feedback_monthly", f"period like '{year}-%'"),
        ("mart_engagement_yearly", f"year = {year}"),
        ("mart_welfare_yearly", f"year = {year}"),
        ("mart_models_yearly", f"year = {year}"),
        ("mart_commune_yearly", f"year = {year}"),
        ("mart_province_scorecard", f"year = {year}"),
    ):
        (rows,) = con.sql(f"select count(*) from {table} where {where}").fetchall()[0]
        assert rows > 0, table


def test_the_766_index_rates_every_new_commune_and_the_province_as_68(three_years):
    *_, con = three_years
    communes, provinces, districts = con.sql(
        """
        select count(distinct unit_code) filter (unit_type = 'commune'),
            string_agg(distinct unit_code, ',') filter (unit_type = 'province'),
            count(*) filter (unit_type = 'district')
        from mart_service_index_766 where period_type = 'year' and period = '2026'
        """
    ).fetchall()[0]
    assert (communes, provinces, districts) == (124, "68", 0)


def test_only_the_injected_defects_are_quarantined_or_fail_checks(three_years):
    _, summary, con = three_years
    expected = expected_totals(years=YEARS)
    got = con.sql(
        "select sum(rows_quarantined), sum(rows_duplicate) from load_audit where status = 'loaded'"
    ).fetchall()[0]
    assert got == (expected["quarantined"], expected["duplicates"])
    assert "NOT an injected defect" not in explain_failed_checks(summary.failed_checks)
