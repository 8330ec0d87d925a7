"""Engagement, feedback, welfare and model registers (SOURCES.md §3–§6): accepted and
quarantined rows, district names, totals reconciliation, units valid on the date (the
working-day calendar: tests/test_calendar.py)."""

import datetime as dt

import polars as pl
import pytest

from schemas.engagement import SPEC as ENGAGEMENT
from schemas.feedback import SPEC as FEEDBACK
from schemas.models import SPEC as MODELS
from schemas.units import name_lookup, resolve_units
from schemas.welfare import SPEC as WELFARE
from tests.helpers import ingest, quarantined, staged, write_csv
from warehouse.reference import admin_units


def event(**cells):
    row = {
        "event_date": "15/01/2024",
        "event_type": "Tiếp công dân định kỳ",
        "level": "Xã",
        "admin_unit_code": "22915",
        "chair_role": "Bí thư Đảng ủy xã",
        "planned": "Có",
        "outcome": "Đã thực hiện",
        "citizens_received": "12",
        "opinions_raised": "5",
        "opinions_resolved": "4",
        "replied_in_time": "5",
    }
    return {**row, **cells}


def item(**cells):
    row = {
        "feedback_code": "P1",
        "received_at": "05/01/2024 09:00",
        "channel": "Cổng tỉnh",
        "field": "Đất đai",
        "agency_code": "H36.593",
        "admin_unit_code": "593",
        "due_at": "19/01/2024 17:00",
        "handled_at": "10/01/2024 10:00",
        "status": "Đã xử lý",
        "reaction": "Hài lòng",
        "repeat_complaint": "Không",
    }
    return {**row, **cells}


def activity(**cells):
    row = {
        "row_label": "1",
        "activity_date": "10/01/2024",
        "admin_unit": "TP. Phan Thiết",
        "support_type": "Tặng quà",
        "beneficiary_group": "Hộ nghèo",
        "quantity": "100",
        "value_vnd": "40.000.000",
        "funding_source": "Quỹ Vì người nghèo",
    }
    return {**row, **cells}


def model(**cells):
    row = {
        "model_name": "Hũ gạo tình thương",
        "field": "Văn hóa - xã hội",
        "host_unit": "UBND Phường Mũi Né",
        "level": "Xã",
        "admin_unit_code": "22915",
        "registered_year": "2023",
        "status": "Công nhận",
        "recognised_level": "Huyện",
    }
    return {**row, **cells}


def _one_bad(tmp_path, spec, path, good, bad, period):
    write_csv(tmp_path / "landing" / spec.folder / path, [good, bad], spec)
    outcome = ingest(tmp_path / "landing", tmp_path / "data", spec.name, period)
    held = quarantined(tmp_path / "data", spec.name, period)
    (record,) = outcome.files
    assert record.conserved and (record.rows_loaded, record.rows_quarantined) == (1, 1), held
    assert held["row_number"].to_list() == [3]
    return held["reason"][0], held["columns"][0]


@pytest.mark.parametrize(
    "cells, reason",
    [
        ({"event_date": "15/05/2024"}, "outside the file's period 2024-Q1"),
        ({"event_type": "Hội nghị"}, "the cell is not one of"),
        ({"admin_unit_code": "99999"}, "unknown unit code"),
        ({"opinions_resolved": "9"}, "exceeds Số ý kiến"),
        ({"replied_in_time": "6"}, "exceeds Số ý kiến"),
        ({"citizens_received": "-1"}, "must be ≥ 0"),
        ({"chair_role": ""}, "Chủ trì is required"),
        ({"outcome": "Tạm dừng"}, "the cell is not one of"),
    ],
)
def test_engagement_rules(tmp_path, cells, reason):
    bad = event(**{"event_date": "16/01/2024", **cells})
    got, _ = _one_bad(
        tmp_path, ENGAGEMENT, "tiep_dan_doi_thoai_2024-Q1.csv", event(), bad, "2024-Q1"
    )
    assert reason in got


def test_engagement_chair_roles_are_normalised(tmp_path):
    rows = [
        event(chair_role=role, event_date=f"{10 + i}/01/2024")
        for i, role in enumerate(
            [
                "Bí thư Huyện ủy",
                "Phó Bí thư Đảng ủy xã",
                "Chủ tịch UBND xã",
                "Phó Chủ tịch UBND huyện",
                "Chủ tịch UBMTTQ xã",
                "Trưởng thôn",
                # honorifics, a name, the committee written out: classified by the role
                "Đ/c Bí thư Huyện ủy",
                "Đồng chí Phó Bí thư Thường trực Tỉnh ủy",
                "Ông Trần Văn B, Chủ tịch Ủy ban nhân dân phường",
                "Chủ tịch Ủy ban MTTQ Việt Nam xã",
                "Phó Chủ tịch Ủy ban MTTQ tỉnh",
                "Phó Chủ tịch HĐND huyện",
            ]
        )
    ]
    write_csv(tmp_path / "landing/engagement/tiep_dan_doi_thoai_2024-Q1.csv", rows, ENGAGEMENT)
    ingest(tmp_path / "landing", tmp_path / "data", "engagement", "2024-Q1")
    groups = staged(tmp_path / "data", "engagement", "2024-Q1")["chair_group"].to_list()
    assert groups == [
        "Bí thư",
        "Phó Bí thư",
        "Chủ tịch UBND",
        "Phó Chủ tịch UBND",
        "Chủ tịch UBMTTQ",
        "Khác",
        "Bí thư",
        "Phó Bí thư",
        "Chủ tịch UBND",
        "Chủ tịch UBMTTQ",
        "Khác",
        "Khác",
    ]


@pytest.mark.parametrize(
    "cells, reason",
    [
        ({"due_at": "01/01/2024"}, "Hạn xử lý (due_at) is before"),
        ({"handled_at": "04/01/2024"}, "Ngày xử lý xong (handled_at) is before"),
        ({"status": "Chờ"}, "the cell is not one of"),
        ({"channel": "Zalo"}, "the cell is not one of"),
        ({"received_at": "05/02/2024"}, "outside the file's period 2024-01"),
    ],
)
def test_feedback_rules(tmp_path, cells, reason):
    got, _ = _one_bad(
        tmp_path, FEEDBACK, "pakn_2024-01.csv", item(), item(feedback_code="P2", **cells), "2024-01"
    )
    assert reason in got


@pytest.mark.parametrize(
    "cells, reason",
    [
        ({"admin_unit": "Hàm Thuận"}, "names no single unit in force on Ngày"),
        ({"quantity": "0"}, "must be > 0"),
        ({"quantity": "1,234"}, "is not a whole number"),
        ({"value_vnd": "-5"}, "must be ≥ 0"),
        ({"value_vnd": "1.000.000.000.000.000"}, "must be ≤"),
        ({"support_type": "Tiền mặt"}, "the cell is not one of"),
        ({"activity_date": "10/04/2024"}, "outside the file's period 2024-Q1"),
    ],
)
def test_welfare_rules(tmp_path, cells, reason):
    got, _ = _one_bad(
        tmp_path,
        WELFARE,
        "an_sinh_HND_2024-Q1.csv",
        activity(),
        activity(row_label="2", **cells),
        "2024-Q1",
    )
    assert reason in got


def test_welfare_org_from_the_file_name_and_numbers_as_text(tmp_path):
    write_csv(
        tmp_path / "landing/welfare/an_sinh_HLHPN_2024-Q2.csv",
        [activity(activity_date="05/04/2024", value_vnd="1.500.000,5 đồng")],
        WELFARE,
    )
    ingest(tmp_path / "landing", tmp_path / "data", "welfare", "2024-Q2")
    row = staged(tmp_path / "data", "welfare", "2024-Q2").row(0, named=True)
    assert (row["org_code"], row["admin_unit_code"], row["value_vnd"]) == (
        "HLHPN",
        "593",
        1_500_000.5,
    )


BEFORE, AFTER = dt.date(2024, 5, 1), dt.date(2025, 9, 1)


@pytest.mark.parametrize(
    "typed, on, code",
    [
        ("TP. Phan Thiết", BEFORE, "593"),
        ("Phan Thiết", BEFORE, "593"),
        ("Thành phố Phan Thiết", BEFORE, "593"),
        ("TP Phan Thiết", BEFORE, "593"),
        ("Thị xã La Gi", BEFORE, "594"),
        ("TX. La Gi", BEFORE, "594"),
        ("H. Bắc Bình", BEFORE, "596"),
        ("huyện Bắc Bình", BEFORE, "596"),
        ("HUYỆN BẮC BÌNH", BEFORE, "596"),
        ("Phú Quý", BEFORE, "602"),
        ("Phú Quí", BEFORE, "602"),
        ("Phu\u0301 Quy\u0301", BEFORE, "602"),
        ("Hàm Thuận Bắc", BEFORE, "597"),
        ("Hàm Thuận Nam", BEFORE, "598"),
        ("Tánh Linh", BEFORE, "599"),
        ("Đức Linh", BEFORE, "600"),
        ("Hàm Tân", BEFORE, "601"),
        ("Tuy Phong", BEFORE, "595"),
        ("Tỉnh", BEFORE, "60"),
        ("Toàn tỉnh", BEFORE, "60"),
        ("593", BEFORE, "593"),
        ("Huyện Đắk Mil", BEFORE, "663"),  # a district of Đắk Nông (67)
        ("Huyện Đạ Huoai", dt.date(2024, 11, 30), "681"),  # two codes, told apart by date
        ("Huyện Đạ Huoai", dt.date(2024, 12, 1), "682"),
        ("Hàm Thuận", BEFORE, None),
        ("Phường Mũi Né", BEFORE, None),  # a commune: reports named districts until the reform
        ("Xã Xyz", BEFORE, None),
        ("", BEFORE, None),
        # from 2025-07-01: the communes of the new province, the province
        ("Phường Phan Thiết", AFTER, "22945"),
        ("xã Hàm Liêm", AFTER, "23095"),
        ("Đặc khu Phú Quý", AFTER, "23272"),
        ("phường Cam Ly - Đà Lạt", AFTER, "24787"),
        ("Cam Ly - Đà Lạt", AFTER, "24787"),
        ("CAM LY - ĐÀ LẠT", AFTER, "24787"),
        ("Tỉnh", AFTER, "68"),
        ("Toàn tỉnh", AFTER, "68"),
        ("Tỉnh Lâm Đồng", AFTER, "68"),
        ("22918", AFTER, "22918"),
        ("TP. Phan Thiết", AFTER, None),  # no city any more (the ward is "Phường Phan Thiết")
        ("Phan Thiết", AFTER, "22945"),
        ("Huyện Bắc Bình", AFTER, None),
        ("593", AFTER, None),
    ],
)
def test_unit_names_as_typed_resolve_by_date(typed, on, code):
    lookup = name_lookup(admin_units(), "60")
    frame = pl.DataFrame({"t": [typed], "d": [on]})
    assert resolve_units(frame, "t", "d", lookup).item() == code


def _welfare_file(tmp_path, rows, totals):
    path = tmp_path / "landing/welfare/an_sinh_MTTQ_2024-Q1.csv"
    write_csv(path, rows, WELFARE)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f'Tổng cộng,,,,,{totals[0]},"{totals[1]}",\n')


def test_totals_row_that_matches(tmp_path):
    _welfare_file(
        tmp_path,
        [activity(), activity(row_label="2", quantity="50", value_vnd="20.000.000")],
        (150, "60.000.000"),
    )
    (record,) = ingest(tmp_path / "landing", tmp_path / "data", "welfare", "2024-Q1").files
    assert record.totals_reconciled is True and record.rows_loaded == 2 and record.rows_read == 2


def test_totals_row_that_disagrees_is_reported_with_both_sums_not_fixed(tmp_path):
    _welfare_file(
        tmp_path,
        [activity(), activity(row_label="2", quantity="50", value_vnd="20.000.000")],
        (150, "61.000.000"),
    )
    (record,) = ingest(tmp_path / "landing", tmp_path / "data", "welfare", "2024-Q1").files
    assert record.totals_reconciled is False
    assert "says 61,000,000, the data rows sum to 60,000,000" in record.totals_message
    assert staged(tmp_path / "data", "welfare", "2024-Q1")["value_vnd"].sum() == 60_000_000


def test_model_register_key_follows_name_and_host(tmp_path):
    rows = [
        model(),
        model(model_name="  HŨ GẠO tình thương ", status="Nhân rộng"),
        model(model_name="Đường hoa", level="Thôn"),
    ]
    write_csv(tmp_path / "landing/models/dan_van_kheo_2024.csv", rows, MODELS)
    outcome = ingest(tmp_path / "landing", tmp_path / "data", "models", "2024")
    held = quarantined(tmp_path / "data", "models", "2024")
    assert (
        held["row_number"].to_list() == [2]
        and "different content (row 3 kept)" in held["reason"][0]
    )
    kept = dict(staged(tmp_path / "data", "models", "2024").select("model_key", "status").rows())
    assert kept == {
        "hũ gạo tình thương | ubnd phường mũi né": "Nhân rộng",
        "đường hoa | ubnd phường mũi né": "Công nhận",
    }
    assert outcome.files[0].conserved


@pytest.mark.parametrize(
    "cells, reason",
    [
        ({"registered_year": "2019"}, "must be ≥ 2021"),
        ({"field": "Thể thao"}, "the cell is not one of"),
        ({"status": "Xong"}, "the cell is not one of"),
        ({"admin_unit_code": "22939"}, None),  # in force on 1 January of the register year
    ],
)
def test_model_rules(tmp_path, cells, reason):
    rows = [model(), model(model_name="Mô hình khác", **cells)]
    write_csv(tmp_path / "landing/models/dan_van_kheo_2024.csv", rows, MODELS)
    ingest(tmp_path / "landing", tmp_path / "data", "models", "2024")
    held = quarantined(tmp_path / "data", "models", "2024")
    if reason is None:
        assert held.height == 0
    else:
        assert reason in held["reason"][0]


@pytest.mark.parametrize(
    "code, date, valid",
    [
        ("22939", "29/11/2024", True),  # Phường Bình Hưng until its merger
        ("22939", "02/12/2024", False),  # merged into 22951 on 2024-12-01
        ("22951", "29/11/2024", True),  # Hưng Long before, renamed Bình Hưng after: same code
        ("22951", "02/12/2024", True),
        ("22942", "02/12/2024", False),  # Đức Nghĩa, merged into Lạc Đạo
        ("22945", "02/12/2024", True),
    ],
)
def test_units_valid_on_the_event_date(tmp_path, code, date, valid):
    quarter = "2024-Q4"
    write_csv(
        tmp_path / "landing/engagement/tiep_dan_doi_thoai_2024-Q4.csv",
        [event(event_date=date, admin_unit_code=code)],
        ENGAGEMENT,
    )
    ingest(tmp_path / "landing", tmp_path / "data", "engagement", quarter)
    held = quarantined(tmp_path / "data", "engagement", quarter)
    assert (held.height == 0) is valid, held["reason"].to_list()
    if not valid:
        assert "the unit is not in force on" in held["reason"][0]
