"""Engagement, feedback, welfare and model marts (INDICATORS.md §D, §E) and their scorecard
codes on a small fixture computed by hand."""

import duckdb
import pytest

from schemas.engagement import SPEC as ENGAGEMENT
from schemas.feedback import SPEC as FEEDBACK
from schemas.models import SPEC as MODELS
from schemas.welfare import SPEC as WELFARE
from tests.helpers import ingest, write_csv
from tests.test_sources import activity, event, item, model
from warehouse.build import Warehouse
from warehouse.paths import DataPaths
from warehouse.tables import build_all

EVENTS = [
    event(),  # E1: scheduled by the secretary, held: 5 raised, 4 resolved, 5 replied
    event(
        event_date="16/01/2024",
        outcome="Hoãn",
        citizens_received="0",
        opinions_raised="0",
        opinions_resolved="0",
        replied_in_time="0",
    ),  # E2: scheduled, postponed
    event(
        event_date="17/01/2024",
        admin_unit_code="22918",
        chair_role="Phó Bí thư Đảng ủy xã",
        opinions_raised="2",
        opinions_resolved="2",
        replied_in_time="1",
    ),  # deputy: not counted
    event(
        event_date="18/01/2024",
        admin_unit_code="22918",
        chair_role="Bí thư",
        planned="Không",
        opinions_raised="0",
        opinions_resolved="0",
        replied_in_time="0",
    ),  # not in the plan
    event(
        event_date="19/01/2024",
        event_type="Đối thoại",
        level="Huyện",
        admin_unit_code="593",
        chair_role="Bí thư Thành ủy",
        citizens_received="40",
        opinions_raised="10",
        opinions_resolved="7",
        replied_in_time="8",
    ),  # dialogue held
    event(
        event_date="22/01/2024",
        event_type="Đối thoại",
        level="Huyện",
        admin_unit_code="593",
        chair_role="Bí thư Thành ủy",
        outcome="Hủy",
        citizens_received="0",
        opinions_raised="0",
        opinions_resolved="0",
        replied_in_time="0",
    ),  # cancelled
    event(
        event_date="23/01/2024",
        event_type="Tiếp công dân đột xuất",
        chair_role="Chủ tịch UBND xã",
        planned="Không",
        citizens_received="5",
        opinions_raised="3",
        opinions_resolved="3",
        replied_in_time="3",
    ),  # ad hoc, held
]
JANUARY_FEEDBACK = [
    item(),  # handled on time, satisfied
    item(
        feedback_code="P2",
        received_at="08/01/2024 09:00",
        due_at="12/01/2024 17:00",
        handled_at="15/01/2024 08:00",
        reaction="Không hài lòng",
        repeat_complaint="Có",
    ),  # late
    item(
        feedback_code="P3",
        received_at="20/01/2024 09:00",
        due_at="25/01/2024 17:00",
        handled_at="",
        status="Đang xử lý",
        reaction="",
    ),  # open and overdue
]
FEBRUARY_FEEDBACK = [
    item(
        feedback_code="P4",
        received_at="05/02/2024 09:00",
        due_at="20/02/2024 17:00",
        handled_at="06/02/2024 09:00",
        status="Từ chối",
        reaction="",
    ),  # refused = handled
]
MTTQ = [
    activity(),
    activity(
        row_label="2",
        admin_unit="H. Bắc Bình",
        support_type="Xây mới nhà",
        quantity="2",
        value_vnd="120.000.000",
    ),
]
HND = [
    activity(admin_unit="Tỉnh", support_type="Sửa chữa nhà", quantity="3", value_vnd="60.000.000"),
    activity(
        row_label="2",
        admin_unit="Phú Quí",
        support_type="Học bổng",
        quantity="10",
        value_vnd="15.000.000",
    ),
]
REGISTER = [
    model(),
    model(model_name="Đường hoa", status="Nhân rộng"),
    model(model_name="Ngày Chủ nhật xanh", status="Đăng ký", field="Kinh tế"),
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    root = tmp_path_factory.mktemp("mass")
    landing, data = root / "landing", root / "data"
    files = [
        (ENGAGEMENT, "tiep_dan_doi_thoai_2024-Q1.csv", EVENTS, "2024-Q1"),
        (FEEDBACK, "pakn_2024-01.csv", JANUARY_FEEDBACK, "2024-01"),
        (FEEDBACK, "pakn_2024-02.csv", FEBRUARY_FEEDBACK, "2024-02"),
        (WELFARE, "an_sinh_MTTQ_2024-Q1.csv", MTTQ, "2024-Q1"),
        (WELFARE, "an_sinh_HND_2024-Q1.csv", HND, "2024-Q1"),
        (MODELS, "dan_van_kheo_2024.csv", REGISTER, "2024"),
    ]
    for spec, name, rows, _ in files:
        write_csv(landing / spec.folder / name, rows, spec)
    for source, period in sorted({(spec.name, period) for spec, _, _, period in files}):
        outcome = ingest(landing, data, source, period)
        assert all(f.rows_quarantined == 0 for f in outcome.files)
    build_all(Warehouse(DataPaths(data)))
    connection = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    yield connection
    connection.close()


def _row(con, sql, *params):
    return con.sql(sql, params=list(params)).pl().row(0, named=True)


def test_engagement_unit_grain_and_2025_code(con):
    row = _row(
        con,
        "select * from mart_engagement_yearly where grain = 'unit' and admin_unit_code = '22915'",
    )
    assert (row["periodic_receptions_scheduled"], row["periodic_receptions_held"]) == (2, 1)
    assert row["periodic_reception_rate"] == pytest.approx(0.5)
    assert (row["adhoc_receptions_held"], row["dialogues_held"], row["citizens_received"]) == (
        1,
        0,
        17,
    )
    assert (row["opinions_raised"], row["opinions_resolved"]) == (8, 7)
    assert row["opinions_resolved_share"] == pytest.approx(7 / 8)
    assert row["replied_in_time_share"] == pytest.approx(1.0)
    assert row["unit_code_2025"] == "22918"  # Mũi Né merges into the new Phường Mũi Né


def test_engagement_province_roll_up(con):
    row = _row(con, "select * from mart_engagement_yearly where grain = 'province'")
    # the whole territory of the province in force
    assert (row["level"], row["admin_unit_code"], row["unit_code_2025"]) == ("province", "68", "68")
    assert (
        row["dialogues_held"],
        row["periodic_receptions_scheduled"],
        row["periodic_receptions_held"],
    ) == (1, 2, 1)
    assert row["opinions_raised"] == 20
    assert row["opinions_resolved_share"] == pytest.approx(16 / 20)
    assert row["replied_in_time_share"] == pytest.approx(17 / 20)
    levels = dict(
        con.sql(
            "select level, periodic_receptions_scheduled from mart_engagement_yearly "
            "where grain = 'level'"
        ).fetchall()
    )
    # the province's own secretary held none, but the norm applies to it (Quy định 11-QĐi/TW)
    assert levels == {"commune": 2, "district": 0, "province": 0}
    # Q1 2024 in Bình Thuận: province 1 and 10 districts at 1 day a month, 124 communes at 2;
    # days held: 22915 on 15/01 and 22918 on 18/01 (by the secretary, outside the plan too)
    assert (row["periodic_reception_days_held"], row["periodic_reception_norm_days"]) == (
        2,
        3 * (1 + 10) + 3 * 124 * 2,
    )
    assert row["periodic_reception_norm_units"] == 1 + 10 + 124
    assert row["periodic_reception_months_short"] == 3 * (1 + 10 + 124)


def test_feedback_months(con):
    jan = _row(con, "select * from mart_feedback_monthly where period = '2024-01'")
    assert (jan["received"], jan["handled"], jan["handled_on_time"]) == (3, 2, 1)
    assert jan["handled_on_time_share"] == pytest.approx(0.5)
    assert (
        jan["not_satisfied"],
        jan["repeat_complaints"],
        jan["open_at_end"],
        jan["overdue_open"],
    ) == (1, 1, 1, 1)
    assert jan["feedback_satisfaction"] == pytest.approx(0.0)
    feb = _row(con, "select * from mart_feedback_monthly where period = '2024-02'")
    assert (feb["received"], feb["handled"], feb["handled_on_time"], feb["overdue_open"]) == (
        1,
        1,
        1,
        1,
    )
    assert feb["feedback_satisfaction"] == pytest.approx(0.0)


def test_welfare_mart(con):
    rows = {
        (r[0], r[1], r[2]): (r[3], r[4])
        for r in con.sql(
            "select org_code, district_code, support_type, quantity, value_vnd "
            "from mart_welfare_yearly"
        ).fetchall()
    }
    assert rows == {
        ("MTTQ", "593", "Tặng quà"): (100, 40_000_000),
        ("MTTQ", "596", "Xây mới nhà"): (2, 120_000_000),
        ("HND", "60", "Sửa chữa nhà"): (3, 60_000_000),
        ("HND", "602", "Học bổng"): (10, 15_000_000),
    }


def test_models_mart(con):
    rows = dict(
        ((r[0], r[1]), r[2])
        for r in con.sql(
            "select field, status, models from mart_models_yearly where year = 2024"
        ).fetchall()
    )
    assert rows == {
        ("Văn hóa - xã hội", "Công nhận"): 1,
        ("Văn hóa - xã hội", "Nhân rộng"): 1,
        ("Kinh tế", "Đăng ký"): 1,
    }


def test_scorecard_codes_of_the_fixture(con):
    values = dict(
        con.sql(
            "select indicator_code, value from mart_province_scorecard where year = 2024"
        ).fetchall()
    )
    assert values["dialogues_held"] == 1
    assert (values["periodic_receptions_scheduled"], values["periodic_receptions_held"]) == (2, 1)
    assert values["periodic_reception_rate"] == pytest.approx(0.5)
    assert (values["gifts_given"], values["scholarships_given"]) == (100, 10)
    assert (
        values["houses_built"],
        values["houses_repaired"],
        values["houses_built_or_repaired"],
    ) == (2, 3, 5)
    assert values["welfare_value_vnd"] == 235_000_000
    assert values["feedback_handled_on_time_share"] == pytest.approx(2 / 3)
    assert (values["models_registered"], values["models_recognised"]) == (3, 2)
