"""Decision 766 service index (INDICATORS.md §C) and the full scorecard (§F) on a small fixture
computed by hand: the dossiers of tests/test_marts.py, the feedback of tests/test_marts_mass.py."""

import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from schemas.engagement import SPEC as ENGAGEMENT
from schemas.feedback import SPEC as FEEDBACK
from schemas.models import SPEC as MODELS
from schemas.procedures import SPEC as PROCEDURES
from schemas.welfare import SPEC as WELFARE
from tests import test_marts, test_marts_mass
from tests.helpers import ingest, write_csv
from warehouse.build import Warehouse
from warehouse.index_766 import DEFAULT_CONFIG
from warehouse.paths import DataPaths
from warehouse.tables import build_all

FILES = [
    (None, "dossiers/ho_so_2024-01.csv", test_marts.JANUARY, "2024-01"),
    (None, "dossiers/ho_so_2024-02.csv", test_marts.FEBRUARY, "2024-02"),
    (PROCEDURES, "procedures/danh_muc_tthc_2024-12-31.csv", test_marts.CATALOGUE, "2024-12-31"),
    (FEEDBACK, "feedback/pakn_2024-01.csv", test_marts_mass.JANUARY_FEEDBACK, "2024-01"),
    (FEEDBACK, "feedback/pakn_2024-02.csv", test_marts_mass.FEBRUARY_FEEDBACK, "2024-02"),
    (ENGAGEMENT, "engagement/tiep_dan_doi_thoai_2024-Q1.csv", test_marts_mass.EVENTS, "2024-Q1"),
    (WELFARE, "welfare/an_sinh_MTTQ_2024-Q1.csv", test_marts_mass.MTTQ, "2024-Q1"),
    (MODELS, "models/dan_van_kheo_2024.csv", test_marts_mass.REGISTER, "2024"),
]
SCORECARD_CODES = {
    "dialogues_held",
    "periodic_receptions_held",
    "periodic_receptions_scheduled",
    "periodic_reception_rate",
    "gifts_given",
    "scholarships_given",
    "houses_built",
    "houses_repaired",
    "houses_built_or_repaired",
    "welfare_value_vnd",
    "procedures_active",
    "procedures_published_share",
    "dossiers_received",
    "dossiers_received_online_share",
    "dossiers_finished",
    "dossiers_on_time_rate",
    "dossiers_late",
    "feedback_handled_on_time_share",
    "models_registered",
    "models_recognised",
    "service_index_766",
}


def _build(root: Path, config: Path | None = None) -> duckdb.DuckDBPyConnection:
    landing, data = root / "landing", root / "data"
    if not data.exists():
        for spec, name, rows, _ in FILES:
            kwargs = {"spec": spec} if spec else {}
            write_csv(landing / name, rows, **kwargs)
        for name, period in sorted({(n.split("/")[0], p) for _, n, _, p in FILES}):
            ingest(landing, data, name, period)
    build_all(Warehouse(DataPaths(data), config))
    return duckdb.connect(str(DataPaths(data).build_db), read_only=True)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = _build(tmp_path_factory.mktemp("index"))
    yield connection
    connection.close()


def _detail(con, unit_type, period, period_type="month", unit_code="68"):
    rows = con.sql(
        "select indicator_code, numerator, denominator, rate, points from "
        "mart_service_index_766_detail where unit_type = ? and unit_code = ? and period = ? "
        "and period_type = ?",
        params=[unit_type, unit_code, period, period_type],
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_each_sub_indicator_for_the_province_in_january(con):
    d = _detail(con, "province", "2024-01")
    assert d["dossier_sync_share"] == (7, 7, 1.0, 6.0)
    assert d["rate_766_progress"][:3] == (5, 7, pytest.approx(5 / 7))  # D4 on time, D5 late by rule
    assert d["rate_766_progress"][3] == pytest.approx(20 * 5 / 7)
    assert d["input_digitization_rate"][3] == pytest.approx(11 * (1 / 7) / 0.8)
    assert d["e_result_rate"][3] == pytest.approx(11 * 0.2 / 0.8)
    assert d["dossiers_online_share"][3] == pytest.approx(5 * (1 / 7) / 0.5)
    assert d["online_payment_rate"][3] == pytest.approx(5 * (1 / 7) / 0.8)
    assert d["satisfaction_766"][:2] == (5, 7)
    assert d["satisfaction_766"][3] == pytest.approx(6 * (5 / 7) / 0.9)
    assert d["feedback_handled_on_time_share"] == (1, 2, 0.5, 3.0)
    assert d["feedback_satisfaction"][2:] == (
        0.0,
        0.0,
    )  # 3 received, 1 unhappy, 1 repeat, 1 overdue


def test_no_catalogue_snapshot_yet_gives_null_rates_and_points(con):
    d = _detail(con, "province", "2024-01")
    for code in (
        "decision_on_time_share",
        "published_on_time_share",
        "complete_share",
        "procedures_online_share",
        "online_used_share",
    ):
        assert d[code][2] is None and d[code][3] is None, code


def test_zero_denominator_is_null_not_zero_or_full(con):
    d = _detail(con, "district", "2024-01", unit_code="593")  # only feedback: no dossiers
    assert d["rate_766_progress"][2:] == (None, None)
    assert d["feedback_handled_on_time_share"][2:] == (0.5, 3.0)


def test_total_groups_and_assessable_points(con):
    row = (
        con.sql(
            "select * from mart_service_index_766 where unit_type = 'province' "
            "and period_type = 'month' and period = '2024-01'"
        )
        .pl()
        .row(0, named=True)
    )
    expected = (
        6
        + 20 * 5 / 7
        + 11 * (1 / 7) / 0.8
        + 11 * 0.25
        + 5 * (1 / 7) / 0.5
        + 5 * (1 / 7) / 0.8
        + 6 * (5 / 7) / 0.9
        + 3
        + 0
    )
    assert row["total"] == pytest.approx(expected)
    assert row["points_assessable"] == 76 and row["indicators_assessable"] == 9
    assert row["group_1_publicity"] == pytest.approx(6)
    assert row["group_2_progress"] == pytest.approx(20 * 5 / 7)
    assert row["rating"] == "Yếu"


def test_year_uses_the_catalogue_and_stocks_at_year_end(con):
    d = _detail(con, "province", "2024", period_type="year")
    assert d["procedures_online_share"][2:] == (
        pytest.approx(2 / 3),
        pytest.approx(6 * (2 / 3) / 0.8),
    )
    assert d["online_used_share"][2:] == (0.5, pytest.approx(6 * 0.5 / 0.8))
    # year: 8 received, 7 finished (4 in time), D6 still open and overdue at the last month
    assert d["rate_766_progress"][:2] == (4 + 1 - 1, 7 + 1)


def test_threshold_capping_and_configuration_override(tmp_path, con):
    config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    for item in config["indicators"]:
        if item["code"] == "dossiers_online_share":
            item["threshold"] = 0.1  # 1/7 online is above it: capped at the full 5 points
    config["bands"] = [
        {"min": 30, "label": "Trung bình", "confirmed": False},
        {"min": 0, "label": "Yếu", "confirmed": True},
    ]
    path = tmp_path / "766.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    root = tmp_path / "copy"
    shutil.copytree(
        Path(
            con.sql(
                "select path from duckdb_databases() where database_name = current_database()"
            ).fetchall()[0][0]
        ).parents[1],
        root,
    )
    other = _build(root, path)
    d = _detail(other, "province", "2024-01")
    assert d["dossiers_online_share"][3] == 5.0
    rating = other.sql(
        "select rating from mart_service_index_766 where unit_type = 'province' "
        "and period_type = 'month' and period = '2024-01'"
    ).fetchall()[0][0]
    assert rating == "Trung bình"
    other.close()


def test_scorecard_has_every_code_of_section_f(con):
    codes = {
        r[0]
        for r in con.sql(
            "select indicator_code from mart_province_scorecard where year = 2024"
        ).fetchall()
    }
    assert SCORECARD_CODES <= codes
    centre = {c for c in codes if c.endswith("_provincial_centre")}
    assert {
        "dossiers_received_provincial_centre",
        "dossiers_late_provincial_centre",
        "service_index_766_provincial_centre",
    } <= centre


def test_scorecard_service_index_is_the_province_year_total(con):
    value, assessable = con.sql(
        "select value, denominator from mart_province_scorecard "
        "where year = 2024 and indicator_code = 'service_index_766'"
    ).fetchall()[0]
    total, points = con.sql(
        "select total, points_assessable from mart_service_index_766 "
        "where unit_type = 'province' and period_type = 'year' and period = '2024'"
    ).fetchall()[0]
    assert (value, assessable) == (pytest.approx(total), points)
