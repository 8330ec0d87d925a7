"""Reporting 2025 and 2026 (issue #16): hand-made exports of every source, for units of all
three former provinces before and after the 2025-07-01 reform, load with nothing valid
quarantined, and the figures are those counted by hand."""

import csv

import duckdb
import pytest

from schemas.engagement import SPEC as ENGAGEMENT
from schemas.feedback import SPEC as FEEDBACK
from schemas.models import SPEC as MODELS
from schemas.procedures import SPEC as PROCEDURES
from schemas.welfare import SPEC as WELFARE
from tests.helpers import ingest_every_partition, procedure, quarantined, write_csv
from tests.test_sources import activity, event, item, model
from warehouse.build import Warehouse
from warehouse.inventory import record_landing
from warehouse.paths import DataPaths
from warehouse.tables import build_all

# Units (reference/README.md): before the reform Thị trấn Đắk Mil 24664 (Đắk Nông, district 663),
# Phường 6 of Đà Lạt 24787 (old Lâm Đồng, district 672), Phường Lạc Đạo 22945 (Bình Thuận,
# district 593); from 2025-07-01 Xã Đức Lập 24664, Phường Cam Ly - Đà Lạt 24787, Phường Phan
# Thiết 22945 (codes reused), Xã Đắk Mil 24670, Đặc khu Phú Quý 23272, province 68.

PORTAL_HEADERS = [  # the national portal's sync field names, as a provincial system exports
    "MaHoSo", "MaTTHC", "TenTTHC", "DonViXuLy", "Mã ĐVHC", "Cấp thực hiện", "KenhThucHien",
    "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "TrangThaiHoSo", "ChuHoSo", "Số CCCD",
]  # fmt: skip


def _dossier(code, unit, level, received, due, finished, status, channel="2"):
    return [code, "1.001612", "Cấp phiếu lý lịch tư pháp", "H36.01", unit, level, channel,
            received, due, finished, status, "Nguyễn Văn A", "079123456789"]  # fmt: skip


DOSSIERS_2025_08 = [  # ISO date-times with T and milliseconds, as the portal writes them
    _dossier("D1", "68", "Tỉnh", "2025-08-04T08:15:00.000", "2025-08-08T17:00:00.000",
             "2025-08-07T10:00:00.000", "10"),
    _dossier("D2", "24664", "Xã", "2025-08-05T09:00:00.000", "2025-08-06T17:00:00.000",
             "2025-08-11T09:30:00.000", "10", channel="1"),
    _dossier("D3", "24787", "Xã", "2025-08-06T14:20:00.123", "2025-08-12T17:00:00.000", "", "4"),
    _dossier("D4", "23272", "Đặc khu", "2025-08-07T07:45:00.000", "2025-08-07T17:00:00.000",
             "2025-08-07T16:00:00.000", "9"),
    _dossier("D5", "22945", "Huyện", "2025-08-08T08:00:00.000", "2025-08-12T17:00:00.000",
             "", "4"),  # a district after the reform: quarantined, saying why
]  # fmt: skip
DOSSIERS_2025_03 = [  # before the reform: districts and old communes of all three provinces
    _dossier("C1", "24664", "Xã", "2025-03-03T08:00:00", "2025-03-05T17:00:00",
             "2025-03-04T08:00:00", "10"),
    _dossier("C2", "672", "Huyện", "2025-03-04T08:00:00", "2025-03-10T17:00:00",
             "2025-03-07T08:00:00", "10"),
    _dossier("C3", "22945", "Xã", "2025-03-05T08:00:00", "2025-03-06T17:00:00",
             "2025-03-06T09:00:00", "10"),
    _dossier("C4", "23272", "Đặc khu", "2025-03-06T08:00:00", "2025-03-07T17:00:00",
             "2025-03-07T08:00:00", "10"),  # a special zone before it existed: quarantined
]  # fmt: skip


def _write_dossiers(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PORTAL_HEADERS)
        writer.writerows(rows)


ENGAGEMENT_2025_Q3 = [
    event(event_date="15/07/2025", level="Tỉnh", admin_unit_code="68", chair_role="Bí thư"),
    event(event_date="16/07/2025", admin_unit_code="24787"),
    event(
        event_date="17/07/2025", level="Đặc khu", admin_unit_code="23272", event_type="Đối thoại"
    ),
    event(event_date="18/07/2025", admin_unit_code="24670", outcome="Hoãn"),
    event(event_date="21/07/2025", level="Huyện", admin_unit_code="663"),  # quarantined
]
FEEDBACK_2026_01 = [
    item(feedback_code="P1", received_at="05/01/2026 09:00", agency_code="H36.01",
         admin_unit_code="68", due_at="19/01/2026 17:00", handled_at="10/01/2026 10:00"),
    item(feedback_code="P2", received_at="06/01/2026 09:00", agency_code="H36.101",
         admin_unit_code="24664", due_at="20/01/2026 17:00", handled_at="26/01/2026 10:00"),
]  # fmt: skip
WELFARE_2025_Q3 = [
    activity(activity_date="10/07/2025", admin_unit="Phường Phan Thiết", quantity="10",
             value_vnd="5.000.000"),
    activity(activity_date="11/07/2025", admin_unit="phường Cam Ly - Đà Lạt", quantity="20",
             value_vnd="8.000.000"),
    activity(activity_date="12/07/2025", admin_unit="Cam Ly - Đà Lạt", quantity="1",
             value_vnd="500.000"),
    activity(activity_date="14/07/2025", admin_unit="Đặc khu Phú Quý", support_type="Xây mới nhà",
             quantity="2", value_vnd="120.000.000"),
    activity(activity_date="15/07/2025", admin_unit="xã Đắk Mil", support_type="Học bổng",
             quantity="5", value_vnd="10.000.000"),
    activity(activity_date="16/07/2025", admin_unit="Toàn tỉnh", quantity="100",
             value_vnd="50.000.000"),
    activity(activity_date="17/07/2025", admin_unit="24664", quantity="3", value_vnd="1.500.000"),
]  # fmt: skip
WELFARE_2025_Q2 = [  # before the reform: districts of the three former provinces
    activity(activity_date="10/04/2025", admin_unit="Huyện Đắk Mil", quantity="4",
             value_vnd="2.000.000"),
    activity(activity_date="11/04/2025", admin_unit="TP. Đà Lạt", quantity="6",
             value_vnd="3.000.000"),
    activity(activity_date="12/04/2025", admin_unit="Phan Thiết", quantity="7",
             value_vnd="3.500.000"),
]  # fmt: skip
MODELS_2025 = [
    model(model_name="Hũ gạo", host_unit="UBND Phường 6", admin_unit_code="24787",
          registered_year="2025"),  # Phường 6 (until 06-30), Cam Ly - Đà Lạt after: in force
    model(model_name="Đường hoa", host_unit="UBND Đặc khu Phú Quý", level="Đặc khu",
          admin_unit_code="23272", registered_year="2025", status="Đăng ký"),
    model(model_name="Cà phê sạch", host_unit="UBND huyện Đắk Mil", level="Huyện",
          admin_unit_code="663", registered_year="2025", status="Triển khai"),
]  # fmt: skip
MODELS_2026 = [
    model(model_name="Hũ gạo", host_unit="UBND Phường 6", admin_unit_code="24787",
          registered_year="2025", status="Nhân rộng"),
    model(model_name="Cà phê sạch", host_unit="UBND huyện Đắk Mil", level="Huyện",
          admin_unit_code="663", registered_year="2025"),  # no district in 2026: quarantined
]  # fmt: skip


def build_reform_exports(root):
    """The hand-made exports written under `root`/landing, ingested and built into
    `root`/data; the outcomes by (source, period) and the data folder."""
    landing, data = root / "landing", root / "data"
    _write_dossiers(landing / "dossiers/ho_so_2025-08.csv", DOSSIERS_2025_08)
    _write_dossiers(landing / "dossiers/ho_so_2025-03.csv", DOSSIERS_2025_03)
    write_csv(landing / "engagement/tiep_dan_doi_thoai_2025-Q3.csv", ENGAGEMENT_2025_Q3, ENGAGEMENT)
    write_csv(landing / "feedback/pakn_2026-01.csv", FEEDBACK_2026_01, FEEDBACK)
    write_csv(landing / "welfare/an_sinh_MTTQ_2025-Q3.csv", WELFARE_2025_Q3, WELFARE)
    write_csv(landing / "welfare/an_sinh_HND_2025-Q2.csv", WELFARE_2025_Q2, WELFARE)
    write_csv(landing / "models/dan_van_kheo_2025.csv", MODELS_2025, MODELS)
    write_csv(landing / "models/dan_van_kheo_2026.csv", MODELS_2026, MODELS)
    write_csv(
        landing / "procedures/danh_muc_tthc_2025-12-31.csv",
        [procedure(levels="cấp xã; đặc khu", decision_date="02/07/2025")],
        PROCEDURES,
    )
    outcomes, unmatched = ingest_every_partition(landing, data)
    assert unmatched == []
    record_landing(landing, DataPaths(data))
    build_all(Warehouse(DataPaths(data)))
    return {(o.source, o.period): o for o in outcomes}, data


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    outcomes, data = build_reform_exports(tmp_path_factory.mktemp("reform"))
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    yield outcomes, data, con
    con.close()


def _held(data, source, period):
    return quarantined(data, source, period).select("row_number", "reason").rows()


def test_only_the_rows_against_the_reform_are_quarantined(built):
    outcomes, data, _ = built
    held = {key: _held(data, *key) for key in outcomes}
    assert {key: [row for row, _ in rows] for key, rows in held.items() if rows} == {
        ("dossiers", "2025-08"): [6],  # D5: Huyện after the reform
        ("dossiers", "2025-03"): [5],  # C4: Đặc khu before it
        ("engagement", "2025-Q3"): [6],  # Huyện after the reform
        ("models", "2026"): [3],  # Huyện in a 2026 register
    }
    reasons = [reason for rows in held.values() for _, reason in rows]
    assert sum("districts were abolished on 2025-07-01" in r for r in reasons) == 3
    assert sum("special zones exist only from 2025-07-01" in r for r in reasons) == 1
    assert all(o.files[0].conserved for o in outcomes.values())


def test_dossiers_keep_their_unit_and_carry_the_unit_in_force_today(built):
    _, _, con = built
    rows = con.sql(
        "select dossier_code, level, level_vi, admin_unit_code, unit_code_2025, "
        "unit_2025_mapping, timeliness from fact_dossier order by dossier_code"
    ).fetchall()
    assert rows == [
        ("C1", "commune", "Xã", "24664", "24664", "merged", "early"),  # Đắk Mil → Đức Lập
        ("C2", "district", "Huyện", "672", "68", "contained", "early"),  # Đà Lạt city
        ("C3", "commune", "Xã", "22945", "22945", "merged", "on_time"),  # Lạc Đạo → Phan Thiết
        ("D1", "province", "Tỉnh", "68", "68", "in_force", "early"),
        ("D2", "commune", "Xã", "24664", "24664", "in_force", "late"),
        ("D3", "commune", "Xã", "24787", "24787", "in_force", "overdue"),  # open at export
        ("D4", "commune", "Đặc khu", "23272", "23272", "in_force", "on_time"),
    ]


def test_engagement_in_the_new_structure(built):
    _, _, con = built
    province = con.sql(
        "select admin_unit_code, dialogues_held, periodic_receptions_scheduled, "
        "periodic_receptions_held from mart_engagement_yearly where grain = 'province'"
    ).fetchall()
    # periodic, by a secretary, planned: 68, 24787, 24670 (postponed); the dialogue at Phú Quý
    assert province == [("68", 1, 3, 2)]
    units = con.sql(
        "select admin_unit_code, level, unit_code_2025 from mart_engagement_yearly "
        "where grain = 'unit' order by 1"
    ).fetchall()
    assert units == [
        ("23272", "commune", "23272"),
        ("24670", "commune", "24670"),
        ("24787", "commune", "24787"),
        ("68", "province", "68"),
    ]


def test_welfare_names_resolve_by_date_and_add_up(built):
    _, _, con = built
    rows = con.sql(
        "select admin_unit_code, level, district_code, unit_code_2025, sum(quantity), "
        "sum(value_vnd) from mart_welfare_yearly group by all order by 1"
    ).fetchall()
    assert rows == [
        ("22945", "commune", None, "22945", 10, 5_000_000),
        ("23272", "commune", None, "23272", 2, 120_000_000),
        ("24664", "commune", None, "24664", 3, 1_500_000),
        ("24670", "commune", None, "24670", 5, 10_000_000),
        ("24787", "commune", None, "24787", 21, 8_500_000),
        ("593", "district", "593", "68", 7, 3_500_000),  # Phan Thiết city, April 2025
        ("663", "district", "663", "68", 4, 2_000_000),  # Đắk Mil district
        ("672", "district", "672", "68", 6, 3_000_000),  # Đà Lạt city
        ("68", "province", None, "68", 100, 50_000_000),
    ]
    scorecard = dict(
        con.sql(
            "select indicator_code, value from mart_province_scorecard where year = 2025 "
            "and indicator_code in ('welfare_value_vnd', 'gifts_given', 'houses_built')"
        ).fetchall()
    )
    assert scorecard == {
        "welfare_value_vnd": 203_500_000,
        "gifts_given": 151,  # every Tặng quà row: 10 + 20 + 1 + 100 + 3 + 4 + 6 + 7
        "houses_built": 2,
    }


def test_feedback_and_models_carry_the_unit_in_force_today(built):
    _, _, con = built
    assert con.sql(
        "select feedback_code, unit_code_2025, unit_2025_mapping from fact_feedback order by 1"
    ).fetchall() == [("P1", "68", "in_force"), ("P2", "24664", "in_force")]
    models = con.sql(
        "select register_year, model_name, level, level_vi, unit_code_2025 "
        "from fact_mobilization_model order by 1, 2"
    ).fetchall()
    assert models == [
        (2025, "Cà phê sạch", "district", "Huyện", "68"),
        (2025, "Hũ gạo", "commune", "Xã", "24787"),
        (2025, "Đường hoa", "commune", "Đặc khu", "23272"),
        (2026, "Hũ gạo", "commune", "Xã", "24787"),
    ]


def test_mass_mobilisation_by_new_commune_adds_up_to_the_facts(built):
    _, _, con = built
    rows = con.sql(
        "select unit_code_2025, unit_level_2025, dialogues_held, periodic_receptions_scheduled, "
        "periodic_receptions_held, gifts_given, houses_built_or_repaired, welfare_value_vnd, "
        "models_registered, models_recognised from mart_commune_yearly where year = 2025 "
        "order by 1"
    ).fetchall()
    assert rows == [
        ("22945", "commune", 0, 0, 0, 10, 0, 5_000_000, 0, 0),
        ("23272", "commune", 1, 0, 0, 0, 2, 120_000_000, 1, 0),
        ("24664", "commune", 0, 0, 0, 3, 0, 1_500_000, 0, 0),
        ("24670", "commune", 0, 1, 0, 0, 0, 10_000_000, 0, 0),
        ("24787", "commune", 0, 1, 1, 21, 0, 8_500_000, 1, 1),
        # the province's own rows and the districts' April reports (4 + 6 + 7 gifts), and the
        # model registered by a district
        ("68", "province", 0, 1, 1, 117, 0, 58_500_000, 1, 0),
    ]
    totals = con.sql(
        "select sum(welfare_value_vnd), sum(gifts_given) from mart_commune_yearly where year = 2025"
    ).fetchall()
    assert totals == [(203_500_000, 151)]


def test_the_catalogue_names_the_special_zone_as_a_level(built):
    _, _, con = built
    assert con.sql("select levels from dim_procedure").fetchall() == [("Xã, Đặc khu",)]
