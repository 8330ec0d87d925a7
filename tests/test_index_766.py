"""The 766 index (docs/indicators.md §C) built from exports and the full scorecard (§F), on
small fixtures computed by hand: the dossiers of tests/test_marts.py and the feedback of
tests/test_marts_mass.py (2024), and a few dossiers around the reform of 2025-07-01."""

import re
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
from tests.helpers import dossier, ingest, write_csv
from warehouse import index_766
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


def _build(root: Path, config: Path | None = None, files=FILES) -> duckdb.DuckDBPyConnection:
    landing, data = root / "landing", root / "data"
    if not data.exists():
        for spec, name, rows, _ in files:
            kwargs = {"spec": spec} if spec else {}
            write_csv(landing / name, rows, **kwargs)
        for name, period in sorted({(n.split("/")[0], p) for _, n, _, p in files}):
            ingest(landing, data, name, period)
    build_all(Warehouse(DataPaths(data), config))
    return duckdb.connect(str(DataPaths(data).build_db), read_only=True)


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = _build(tmp_path_factory.mktemp("index"))
    yield connection
    connection.close()


def _detail(con, unit_type, period, unit_code="60", period_type="month", profile="dvcqg"):
    rows = con.execute(
        "select indicator_code, numerator, denominator, points, status, reason from "
        "mart_service_index_766_detail where profile = ? and unit_type = ? and unit_code = ? "
        "and period = ? and period_type = ?",
        [profile, unit_type, unit_code, period, period_type],
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def _total(con, unit_type, period, unit_code="60", period_type="month", profile="dvcqg"):
    return (
        con.sql(
            "select * from mart_service_index_766 where profile = ? and unit_type = ? "
            "and unit_code = ? and period = ? and period_type = ?",
            params=[profile, unit_type, unit_code, period, period_type],
        )
        .pl()
        .row(0, named=True)
    )


def test_province_in_january_as_the_portal_scores_it(con):
    """Dossiers received in January (D1–D6, D10), each as it stood at the export: D1, D2, D4
    and D10 on time, D3 and D5 late, D6 overdue."""
    d = _detail(con, "province", "2024-01")
    assert d["PROCESSING_ON_TIME"][:4] == (4, 7, 11.43, "scored")  # 20 × 4/7 = 11.428…
    assert d["DOSSIER_RECEIVING_SATISFACTION"][:3] == (4, 7, 3.81)  # 6 × 4/7 / 0.9
    assert d["ORIGINAL_RESULT_AVAILABLE"][:3] == (1, 7, 0.86)  # D1's electronic result
    assert d["SO_HOA_GIAY_TO_GIAI_QUYET"][:3] == (1, 7, 0.57)
    assert d["ELECTRONIC_CERTIFIED_COPY"][2:4] == (2.0, "fixed")
    assert d["ONLINE_DOSSIERS"][:3] == (1, 7, 1.71)  # 6 × (1/7) / 0.5
    # the catalogue's 3 active procedures (1.000004 is abolished), 2 of them online, 1 used
    assert d["ONLINE_SERVICE_PROVIDED"][:3] == (2, 3, 1.67)
    assert d["ONLINE_SERVICE_USED"][:3] == (1, 2, 2.0)
    # 1.001612, the only fee procedure, received dossiers and one was paid online
    assert d["ONLINE_PAYMENT_FORMALITY"][:3] == (1, 1, 2.0)
    assert d["FEE_FORMALITY_WITH_DOSSIER"][:3] == (1, 1, 2.5)
    # P1 on time and satisfied; P2 late, dissatisfied, repeated; P3 open past its deadline
    assert d["PETITION_PROCESSING_ON_TIME"][:3] == (1, 3, 2.0)
    assert d["PETITION_HANDLING_SATISFACTION"][:3] == (1, 3, 2.0)
    assert d["PETITION_CLASSIFICATION_TTHC"][:4] == (3, 3, None, "not_scored")


def test_catalogue_indicators_count_the_period(con):
    """Announcements decided on 2024-01-02: three with a legal effective date, one of them
    (1.000002, effective 01-05) less than 5 working days before it — the portal then counts
    the whole period late. Nothing was announced in February."""
    jan, feb = _detail(con, "province", "2024-01"), _detail(con, "province", "2024-02")
    assert jan["PUBLISH_ON_TIME"][:4] == (2, 3, 0.0, "scored")
    assert feb["PUBLISH_ON_TIME"][:4] == (0, 0, 0.0, "zero_denominator")
    # due by 01-09 (5 working days): only 1.001612 was published by then
    assert jan["PUBLIC_UPDATE_ON_TIME"][:3] == (1, 4, 1.0)
    assert feb["PUBLIC_UPDATE_ON_TIME"][:4] == (0, 0, 0.0, "zero_denominator")
    # complete components: of the year's announcements so far, in every month
    assert jan["PUBLIC_CONTENT_FULL"][:3] == feb["PUBLIC_CONTENT_FULL"][:3] == (3, 4, 1.5)
    # a commune and an agency show the province's counts, as the portal does
    for unit_type, code in (("commune", "22939"), ("agency", "H36.60.05")):
        child = _detail(con, unit_type, "2024-01", code)
        assert child["PUBLIC_UPDATE_ON_TIME"][:3] == (1, 4, 1.0)
        assert "the province's counts" in child["PUBLIC_UPDATE_ON_TIME"][4]


def test_absent_export_columns_make_indicators_not_assessable(con):
    """The fixture's exports have none of the optional columns: what needs them gets no
    points, says why, and leaves its maximum out of the assessable points."""
    d = _detail(con, "province", "2024-01")
    for code in (
        "DOSSIER_SYNC",
        "REUSED_DIGITIZED_DATA",
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        "ONLINE_PAYMENT_DOSSIER",
    ):
        assert d[code][2:4] == (None, "not_assessable"), code
    assert "synced_on_time (7)" in d["DOSSIER_SYNC"][4]
    assert "fee_exempt (7)" in d["ONLINE_PAYMENT_DOSSIER"][4]
    for code in ("CITIZEN_DATA_CONNECTED_DOSSIER", "CITIZEN_DATA_CONNECTED_FORMALITY"):
        assert d[code][2:4] == (None, "not_assessable")
        assert "no export carries: citizen_data_connected" in d[code][4]
    row = _total(con, "province", "2024-01")
    # payment: 2 + 2.5 of its parts remain (6 + 2 + 2.5 capped at 10 when all are there)
    assert row["points_assessable"] == 18 - 6 + 20 + 12 + 22 - 2 - 4 - 2 - 2 + 18 + 4.5
    assert row["indicators_not_assessable"] == (
        "CITIZEN_DATA_CONNECTED_DOSSIER, CITIZEN_DATA_CONNECTED_FORMALITY, DOSSIER_SYNC, "
        "ONLINE_PAYMENT_DOSSIER, REUSED_DIGITIZED_DATA, SYNCED_WITH_DVCQG_PERSONAL_STORAGE"
    )
    groups = [
        row[f"points_{g}"]
        for g in ("transparency", "progress", "online_service", "digitisation", "satisfaction")
    ]
    assert groups == [2.5, 11.43, 5.38, 3.43, 7.81]
    assert row["points_online_payment"] == 4.5  # 2 + 2.5 of the assessable 4.5
    assert row["total"] == pytest.approx(sum(groups) + 4.5)
    assert row["total_normalised"] == round(100 * row["total"] / 78.5, 2)
    assert row["rating"] == "Yếu"


def test_a_unit_that_received_nothing_is_scored_as_the_portal_does(con):
    """Every commune in force is a unit of the period: nothing received gives 0 for progress
    and dossier satisfaction, and no feedback gives 6 and 6."""
    d = _detail(con, "commune", "2024-01", "22939")
    assert d["PROCESSING_ON_TIME"][:4] == (0, 0, 0.0, "zero_denominator")
    assert d["DOSSIER_RECEIVING_SATISFACTION"][2:4] == (0.0, "zero_denominator")
    assert d["PETITION_PROCESSING_ON_TIME"][2:4] == (6.0, "zero_denominator")
    assert d["PETITION_HANDLING_SATISFACTION"][2:4] == (6.0, "zero_denominator")
    # the catalogue has no commune procedure: the online-service parts have nothing to count
    assert d["ONLINE_SERVICE_PROVIDED"][:4] == (0, 3 - 3, 0.0, "zero_denominator")
    communes = con.sql(
        "select count(*) from mart_service_index_766 where profile = 'dvcqg' "
        "and unit_type = 'commune' and period_type = 'month' and period = '2024-01'"
    ).fetchall()[0][0]
    assert communes == 124  # Bình Thuận's communes in force in January 2024


def test_districts_and_agencies_are_units_with_their_own_counts(con):
    district = _detail(con, "district", "2024-01", "593")  # its agency H36.593's feedback
    assert district["PETITION_PROCESSING_ON_TIME"][:3] == (1, 3, 2.0)
    assert district["PROCESSING_ON_TIME"][:2] == (0, 0)
    agency = _detail(con, "agency", "2024-01", "H36.60.02")  # every dossier of the fixture
    assert agency["PROCESSING_ON_TIME"][:3] == (4, 7, 11.43)
    assert agency["PETITION_PROCESSING_ON_TIME"][:2] == (0, 0)
    centre = _detail(con, "provincial_centre", "2024-01")
    assert centre["PROCESSING_ON_TIME"][:3] == (4, 7, 11.43)


def test_the_2022_profile_for_comparison(con):
    d = _detail(con, "province", "2024-01", profile="qd766_2022")
    # finished in January: D1, D2, D4 in time, D3, D5 late; open at its end and within
    # their deadlines then: D6 and D10
    assert d["rate_766_progress"][:3] == (5, 7, 14.29)
    assert d["satisfaction_766"][:2] == (5, 7)
    assert d["feedback_handled_on_time_share"][:3] == (1, 2, 3.0)
    assert d["complete_share"][:3] == (3, 4, 3.0)
    assert d["dossier_sync_share"][3] == "not_assessable"  # never received ÷ received
    year = _total(con, "province", "2024", period_type="year", profile="qd766_2022")
    assert year["points_online_payment"] is None and year["points_online_service"] <= 22


def test_configuration_override_and_the_not_applicable_switch(tmp_path, con):
    config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    config["switches"]["not_applicable_award_max"] = True
    for item in config["profiles"]["dvcqg"]["indicators"]:
        if item["code"] == "ONLINE_DOSSIERS":
            item["threshold"] = 0.1  # 1/7 online is above it: capped at the full 6 points
    config["profiles"]["dvcqg"]["bands"] = [
        {"min": 30, "label": "Trung bình", "confirmed": False},
        {"min": 0, "label": "Yếu", "confirmed": True},
    ]
    path = tmp_path / "766.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    root = tmp_path / "copy"
    built = con.sql(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchall()[0][0]
    shutil.copytree(Path(built).parents[1], root)
    other = _build(root, path)
    try:
        assert _detail(other, "province", "2024-01")["ONLINE_DOSSIERS"][2] == 6.0
        assert _total(other, "province", "2024-01")["rating"] == "Trung bình"
        # the switch gives a commune the maximum of the province-scope indicators...
        commune = _detail(other, "commune", "2024-01", "22939")
        assert commune["CITIZEN_DATA_CONNECTED_DOSSIER"][2:4] == (2.0, "not_applicable")
        # ...and leaves the province's own not assessable
        province = _detail(other, "province", "2024-01")
        assert province["CITIZEN_DATA_CONNECTED_DOSSIER"][3] == "not_assessable"
    finally:
        other.close()


def test_a_broken_configuration_names_file_profile_and_indicator(tmp_path):
    config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    config["profiles"]["dvcqg"]["indicators"][0]["numerator"] = "announced_in_time"
    path = tmp_path / "766.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(index_766.ConfigError, match=r"766\.yaml: dvcqg: indicator PUBLISH_ON"):
        index_766.load(path)
    config = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    config["profiles"]["qd766_2022"]["groups"][0]["max"] = 20
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(index_766.ConfigError, match="qd766_2022: the groups' maxima add up to 102"):
        index_766.load(path)


def test_the_sql_computes_every_measure_the_configuration_may_name():
    """MEASURES (what a configuration may divide) and the measures CTE of the detail SQL
    list the same counts, plus a `missing_` count per optional export column."""
    sql = index_766.DETAIL_SQL.read_text(encoding="utf-8")
    block = sql[sql.index("\nmeasures as (") : sql.index("    from unit_periods u\n")]
    computed = set(re.findall(r"(?:as |\.)(\w+),?$", block, re.M)) - {"u"}
    expected = {
        name
        for name, measure in index_766.MEASURES.items()
        if not set(measure.inputs) & set(index_766.UNAVAILABLE)
    } | {f"missing_{name}" for name in index_766.OPTIONAL_INPUTS}
    assert computed == expected


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


def test_scorecard_service_index_is_the_province_year_total_of_the_default_profile(con):
    # the value on the 100-point scale the rating bands read, the points scored beside it
    value, scored, assessable = con.sql(
        "select value, numerator, denominator from mart_province_scorecard "
        "where year = 2024 and indicator_code = 'service_index_766'"
    ).fetchall()[0]
    normalised, total, points = con.sql(
        "select total_normalised, total, points_assessable from mart_service_index_766 "
        "where profile = 'dvcqg' and unit_type = 'province' and period_type = 'year' "
        "and period = '2024'"
    ).fetchall()[0]
    assert (value, scored, assessable) == (pytest.approx(normalised), pytest.approx(total), points)
    assert value == pytest.approx(100 * scored / assessable, abs=0.01)


# Around the reform: an old commune (22915 Phường Mũi Né, district 593) and the new commune it
# became (22918 Phường Mũi Né, whose code was 22918 Phường Hàm Tiến's before)
NEW_COLUMNS = {
    "synced_on_time": "x",
    "full_online": "",
    "fee_exempt": "",
    "data_reused": "x",
    "data_fully_replaced": "",
}


def _commune_dossier(code, unit, month, **cells):
    return dossier(
        dossier_code=code,
        admin_unit_code=unit,
        level="Xã",
        agency_code="H36.22915",
        received_at=f"05/{month} 08:00",
        due_at=f"10/{month} 17:00",
        finished_at=f"09/{month} 10:00",
        **{**NEW_COLUMNS, **cells},
    )


REFORM_FILES = [
    (
        None,
        "dossiers/ho_so_2025-03.csv",
        [
            _commune_dossier("A1", "22915", "03/2025"),
            _commune_dossier("H1", "22918", "03/2025", synced_on_time=""),
        ],
        "2025-03",
    ),
    (
        None,
        "dossiers/ho_so_2025-08.csv",
        [
            _commune_dossier("B1", "22918", "08/2025"),
            dossier(
                dossier_code="P1",
                admin_unit_code="68",
                received_at="05/08/2025 08:00",
                due_at="10/08/2025 17:00",
                finished_at="09/08/2025 10:00",
                **NEW_COLUMNS,
            ),
        ],
        "2025-08",
    ),
    (
        None,
        "dossiers/ho_so_2025-09.csv",
        [
            {
                k: v
                for k, v in _commune_dossier("B2", "22918", "09/2025").items()
                if k != "synced_on_time"  # a system that does not export the column
            }
        ],
        "2025-09",
    ),
]


@pytest.fixture(scope="module")
def reform(tmp_path_factory):
    connection = _build(tmp_path_factory.mktemp("reform"), files=REFORM_FILES)
    yield connection
    connection.close()


def _received(con, unit_type, period, unit_code, period_type="month"):
    found = _detail(con, unit_type, period, unit_code, period_type)
    return found["PROCESSING_ON_TIME"][1] if found else None


def test_units_before_and_after_the_reform(reform):
    assert _received(reform, "commune", "2025-03", "22915") == 1
    assert _received(reform, "commune", "2025-03", "22918") == 1  # then Phường Hàm Tiến
    assert _received(reform, "province", "2025-03", "60") == 2
    assert _received(reform, "province", "2025-Q1", "60", "quarter") == 2
    assert _received(reform, "district", "2025-03", "593") == 0  # a unit until 2025-06
    assert _received(reform, "province", "2025-08", "68") == 2
    assert _received(reform, "commune", "2025-08", "22918") == 1
    assert _received(reform, "province", "2025-08", "60") is None
    # an agency is a unit of the periods it worked in, wherever the list places it
    assert _received(reform, "agency", "2025-08", "H36.60.02") == 1
    assert _received(reform, "agency", "2025-03", "H36.60.02") == 0  # of province 60 then
    districts_after = reform.sql(
        "select count(*) from mart_service_index_766 where unit_type = 'district' "
        "and period in ('2025-08', '2025-09', '2025-Q3', '2025')"
    ).fetchall()[0][0]
    assert districts_after == 0


def test_the_year_2025_of_a_new_commune_adds_up_its_old_communes(reform):
    assert _received(reform, "commune", "2025", "22918", "year") == 4  # A1, H1, B1, B2
    assert _received(reform, "commune", "2025", "22915", "year") is None
    assert _received(reform, "province", "2025", "68", "year") == 5
    communes = reform.sql(
        "select count(*) from mart_service_index_766 where profile = 'dvcqg' "
        "and unit_type = 'commune' and period = '2025'"
    ).fetchall()[0][0]
    assert communes == 124  # the new province's communes


def test_an_export_column_absent_from_some_files_of_a_period(reform):
    """The column is exported in August, not in September; a blank cell is "no"."""
    august = _detail(reform, "commune", "2025-08", "22918")
    assert august["DOSSIER_SYNC"][:4] == (1, 1, 6.0, "scored")
    assert august["REUSED_DIGITIZED_DATA"][:3] == (1, 1, 2.0)
    assert august["SYNCED_WITH_DVCQG_PERSONAL_STORAGE"][:3] == (0, 1, 0.0)
    assert _detail(reform, "commune", "2025-03", "22918")["DOSSIER_SYNC"][:3] == (0, 1, 0.0)
    september = _detail(reform, "commune", "2025-09", "22918")
    assert september["DOSSIER_SYNC"][2:4] == (None, "not_assessable")
    year = _detail(reform, "commune", "2025", "22918", "year")
    assert year["DOSSIER_SYNC"][2:4] == (None, "not_assessable")
    assert "synced_on_time (1)" in year["DOSSIER_SYNC"][4]
    assert year["REUSED_DIGITIZED_DATA"][:3] == (4, 4, 2.0)


def test_the_docs_explain_every_configured_indicator_and_measure():
    """docs/indicators.md is where the formulas live: a new indicator or measure needs its
    line there."""
    docs = (Path(__file__).parents[1] / "docs" / "indicators.md").read_text(encoding="utf-8")
    config = index_766.load(DEFAULT_CONFIG)
    missing = [
        name
        for name in [*config.indicators["indicator_code"], *index_766.MEASURES]
        if f"`{name}`" not in docs
    ]
    assert missing == []
    for anchor in ("a", "b", "c", "c-dvcqg", "c-qd766-2022", "c-measures", "c-portal-vs-spec"):
        assert f'<a id="{anchor}"></a>' in docs
