"""Table checks and Great Expectations suites: they pass on good data and fail on bad data,
saying what is wrong."""

import json

import duckdb
import pandas as pd
import pytest

from tests import test_index_766
from warehouse.checks import TABLE_CHECKS
from warehouse.expectations import SUITES, validate_table, write_report
from warehouse.exports import ROWS_FINGERPRINT, period_fingerprints, table_fingerprints


@pytest.fixture(scope="module")
def build_db(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    test_index_766._build(root).close()
    return root / "data" / "build.duckdb"


def _violations(con) -> dict[str, int]:
    return {c.name: con.sql(c.violations_sql).pl().height for c in TABLE_CHECKS}


def test_table_checks_pass_on_good_data(build_db):
    con = duckdb.connect(str(build_db), read_only=True)
    found = _violations(con)
    con.close()
    # the hand fixture uses known procedures and agencies only
    assert found == {name: 0 for name in found}


def test_table_checks_fail_on_bad_data(build_db, tmp_path):
    copy = tmp_path / "broken.duckdb"
    copy.write_bytes(build_db.read_bytes())
    con = duckdb.connect(str(copy))
    con.execute(
        "update fact_dossier set admin_unit_code = '22939', "
        "received_at = timestamp '2024-12-05 08:00' where dossier_code = 'D1'"
    )
    con.execute("update fact_dossier set agency_known = false where dossier_code = 'D2'")
    # an agency receiving a dossier the day before it came into operation
    con.execute(
        "update dim_agency set valid_from = d.received_on + 1 from (select agency_code, "
        "cast(received_at as date) as received_on from fact_dossier where dossier_code = 'D3') d "
        "where dim_agency.agency_code = d.agency_code"
    )
    con.execute(
        "update mart_province_scorecard set value = value + 1 "
        "where indicator_code in ('welfare_value_vnd', 'dossiers_received')"
    )
    con.execute("update mart_service_index_766 set total = total + 5 where unit_type = 'province'")
    found = _violations(con)
    con.close()
    assert found["fact_dossier_unit_in_dimension"] == 1
    assert found["fact_dossier_agency_in_dimension"] == 1
    assert found["fact_dossier_agency_in_operation"] == 1
    assert found["mart_province_scorecard_welfare_value_matches_facts"] == 1
    assert found["mart_province_scorecard_dossiers_match_facts"] == 1
    assert found["mart_service_index_766_total_is_sum_of_groups"] > 0


def test_every_suite_passes_on_the_built_tables(build_db):
    con = duckdb.connect(str(build_db), read_only=True)
    results = [validate_table(t, con.sql(f"select * from {t}").df()) for t in SUITES]
    con.close()
    assert {r.table: r.failed for r in results} == {t: [] for t in SUITES}


def test_a_broken_table_fails_its_suite_naming_the_expectations(tmp_path):
    broken = pd.DataFrame(
        {
            "profile": ["dvcqg"] * 3,
            "period_type": ["year", "year", "week"],
            "period": ["2024", "2024", "2024"],
            "unit_type": ["province"] * 3,
            "unit_code": ["60"] * 3,
            "total": [85.0, 150.0, 10.0],
            "points_assessable": [100.0, 100.0, 100.0],
            "total_normalised": [85.0, 150.0, 10.0],
            "rating": ["Tốt", "Siêu", "Yếu"],
        }
    )
    result = validate_table("mart_service_index_766", broken)
    assert not result.success
    failed = {(e["expectation"], e["columns"]) for e in result.failed}
    assert (
        "expect_compound_columns_to_be_unique",
        "profile, period_type, period, unit_type, unit_code",
    ) in failed
    assert ("expect_column_values_to_be_between", "total") in failed
    assert ("expect_column_values_to_be_in_set", "rating") in failed
    assert ("expect_column_values_to_be_in_set", "period_type") in failed
    page = write_report([result], tmp_path / "gx" / "index.html").read_text(encoding="utf-8")
    assert "mart_service_index_766" in page and "không đạt / failed" in page and "✗" in page


def test_empty_table_fails_the_row_count_bound():
    result = validate_table(
        "mart_models_yearly",
        pd.DataFrame(
            {"year": pd.Series([], dtype=int), "field": [], "level": [], "status": [], "models": []}
        ),
    )
    assert ("expect_table_row_count_to_be_between", "") in {
        (e["expectation"], e["columns"]) for e in result.failed
    }


def test_large_tables_are_validated_on_an_even_repeatable_sample(monkeypatch):
    from warehouse import expectations

    monkeypatch.setattr(expectations, "SAMPLE_ROWS", 100)
    con = duckdb.connect()
    con.execute("create table t as select range as n, range // 100 as month from range(1000)")
    first = expectations.read_for_validation(con, "t")
    again = expectations.read_for_validation(con, "t")
    assert len(first) == 100
    assert first["n"].tolist() == again["n"].tolist()
    assert sorted(first["month"].value_counts().tolist()) == [10] * 10  # every month, evenly
    con.execute("create table small as select range as n from range(50)")
    assert len(expectations.read_for_validation(con, "small")) == 50


def test_a_suite_on_unchanged_rows_is_not_run_again(build_db, tmp_path, monkeypatch):
    """The result on record stands while the table's rows and the suite are those it was
    computed on; other rows or another suite version and the suite runs again."""
    from warehouse import expectations

    copy = tmp_path / "published.duckdb"
    copy.write_bytes(build_db.read_bytes())
    record = tmp_path / "gx" / "results.json"
    runs = []
    real = expectations.validate_table
    monkeypatch.setattr(expectations, "validate_table", lambda t, f: runs.append(t) or real(t, f))
    tables = ["fact_dossier", "mart_province_scorecard"]

    def validate():
        con = duckdb.connect(str(copy))
        try:
            return expectations.validate_published(con, tables, record)
        finally:
            con.close()

    first, reused = validate()
    assert runs == tables and reused == set() and all(r.success for r in first)
    again, reused = validate()
    assert runs == tables and reused == set(tables)
    assert [(r.table, r.success, r.expectations) for r in again] == [
        (r.table, r.success, r.expectations) for r in first
    ]
    con = duckdb.connect(str(copy))
    con.execute("update fact_dossier set dossier_code = null where dossier_code = 'D1'")
    con.close()
    changed, reused = validate()
    assert runs == [*tables, "fact_dossier"] and reused == {"mart_province_scorecard"}
    assert not changed[0].success  # the null key is found
    failed_again, _ = validate()  # a failure on record stands as long as its rows do
    assert runs == [*tables, "fact_dossier"] and not failed_again[0].success
    monkeypatch.setattr(expectations, "SUITES_VERSION", "another suite version")
    validate()
    assert runs == [*tables, "fact_dossier", *tables]
    record.write_text("{not json", encoding="utf-8")  # a damaged record: every suite runs
    validate()
    assert runs == [*tables, "fact_dossier", *tables, *tables]
    # a content given by the caller (the export's manifest) is taken as the table's: not hashed
    con = duckdb.connect(str(copy))
    try:
        before = len(runs)
        _, reused = expectations.validate_published(con, tables, record, {"fact_dossier": "c1"})
        assert runs[before:] == ["fact_dossier"] and reused == {"mart_province_scorecard"}
        _, reused = expectations.validate_published(con, tables, record, {"fact_dossier": "c1"})
    finally:
        con.close()
    assert runs[before:] == ["fact_dossier"] and reused == set(tables)
    assert json.loads(record.read_text())["fact_dossier"]["key"].endswith(":c1")


def test_a_table_fingerprint_adds_up_from_its_periods(build_db):
    """The publish hands GX the fingerprint of fact_dossier added up from the export's
    per-period ones (computed anyway), instead of hashing every row again."""
    con = duckdb.connect(str(build_db), read_only=True)
    try:
        hashed = con.sql(f"select {ROWS_FINGERPRINT} from fact_dossier t").fetchall()[0][0]
        periods = period_fingerprints(con)
        assert len(periods["fact_dossier"]) == 2  # January and February
        assert table_fingerprints(periods) == {"fact_dossier": hashed}
        empty = con.sql(f"select {ROWS_FINGERPRINT} from fact_dossier t where false")
        assert table_fingerprints({"fact_dossier": {}}) == {"fact_dossier": empty.fetchall()[0][0]}
    finally:
        con.close()
