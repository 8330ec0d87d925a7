"""Every row rule of SOURCES.md §1–§2: the bad row is quarantined with a readable reason that
names its row and column, the good rows load, and rows read = loaded + quarantined + duplicates."""

import json

import polars as pl
import pytest

from schemas.procedures import SPEC as PROCEDURES
from tests.helpers import TEST_KEY, dossier, ingest, procedure, quarantined, staged, write_csv
from warehouse.pii import hmac_columns

DOSSIER_CASES = [
    ("missing dossier code", {"dossier_code": ""}, "dossier_code", "Mã hồ sơ is required"),
    ("missing procedure", {"procedure_code": " "}, "procedure_code", "Mã TTHC is required"),
    (
        "bad receipt date",
        {"received_at": "31/02/2024"},
        "received_at",
        "the cell is not a date",
    ),
    ("bad level", {"level": "Trung ương"}, "level", "the cell is not one of"),
    ("bad channel", {"channel": "Fax"}, "channel", "the cell is not one of"),
    ("bad status", {"status_code": "11"}, "status_code", "the cell is not one of"),
    ("due before receipt", {"due_at": "04/01/2024"}, "due_at", "due_at) is before"),
    (
        "finished before receipt",
        {"finished_at": "04/01/2024"},
        "finished_at",
        "is before Ngày tiếp nhận",
    ),
    (
        "returned before finished",
        {"returned_at": "08/01/2024"},
        "returned_at",
        "returned_at) is before",
    ),
    (
        "closed without end date",
        {"finished_at": "", "status_code": "9"},
        "finished_at",
        "is required when",
    ),
    ("negative supplements", {"supplement_count": "-1"}, "supplement_count", "must be ≥ 0"),
    (
        "fractional supplements",
        {"supplement_count": "1,5"},
        "supplement_count",
        "not a whole number",
    ),
    ("unknown unit", {"admin_unit_code": "99999"}, "admin_unit_code", "unknown unit code"),
    (
        "malformed unit",
        {"admin_unit_code": "6O"},
        "admin_unit_code",
        "does not have the expected form",
    ),
    (
        "unit merged before the date",
        {
            "admin_unit_code": "22939",
            "received_at": "05/12/2024",
            "due_at": "10/12/2024",
            "finished_at": "09/12/2024",
        },
        "admin_unit_code",
        "not in force on 2024-12-05",
    ),
    (
        "outside the month",
        {"received_at": "05/02/2024", "due_at": "10/02/2024", "finished_at": ""},
        "received_at",
        "outside the file's period 2024-01",
    ),
    ("bad payment code", {"online_payment": "3"}, "online_payment", "the cell is not one of"),
    ("bad rating", {"rating": "Tuyệt vời"}, "rating", "the cell is not one of"),
]


@pytest.mark.parametrize(
    "name, cells, column, reason", DOSSIER_CASES, ids=[c[0] for c in DOSSIER_CASES]
)
def test_dossier_row_rules(tmp_path, name, cells, column, reason):
    december = cells.get("received_at", "").endswith("/12/2024")
    period = "2024-12" if december else "2024-01"
    moved = {"received_at": "02/12/2024", "due_at": "10/12/2024", "finished_at": "09/12/2024"}
    good = dossier(dossier_code="GOOD", **(moved if december else {}))
    bad = dossier(**{"dossier_code": "BAD", **cells})
    write_csv(tmp_path / "landing/dossiers" / f"ho_so_{period}.csv", [good, bad])
    outcome = ingest(tmp_path / "landing", tmp_path / "data", "dossiers", period)
    held = quarantined(tmp_path / "data", "dossiers", period)
    assert held.height == 1, held
    assert held["row_number"].to_list() == [3]  # header is row 1, good row 2
    assert column in held["columns"][0]
    assert reason in held["reason"][0]
    assert staged(tmp_path / "data", "dossiers", period)["dossier_code"].to_list() == ["GOOD"]
    (record,) = outcome.files
    assert (record.rows_read, record.rows_loaded, record.rows_quarantined) == (2, 1, 1)
    assert record.conserved


def test_a_good_row_with_every_optional_form_loads(tmp_path):
    row = dossier(
        procedure_code="1.001612.H36",
        level="Cấp tỉnh",
        channel="Bưu chính công ích",
        received_at="2024-01-05 08:00:00",
        due_at="20240110170000",
        finished_at="45300",
        status_code="Đã trả kết quả",
        supplement_count="1",
        supplement_wait_days="2,5",
        inputs_digitized="x",
        e_result="Có",
        online_payment="1",
        rating="Hài lòng",
    )
    write_csv(tmp_path / "landing/dossiers/ho_so_2024-01.csv", [row])
    ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    out = staged(tmp_path / "data", "dossiers", "2024-01").row(0, named=True)
    assert out["procedure_code"] == "1.001612"
    assert (out["level"], out["channel"], out["status_code"]) == ("Tỉnh", 3, 10)
    assert out["supplement_wait_days"] == 2.5
    assert out["inputs_digitized"] is True and out["e_result"] is True
    assert out["finished_at"].isoformat() == "2024-01-09T00:00:00"


def test_duplicates_exact_dropped_conflicting_quarantined_last_wins(tmp_path):
    rows = [
        dossier(dossier_code="A"),
        dossier(dossier_code="A"),  # exact copy: dropped, counted as duplicate
        dossier(dossier_code="B", status_code="4", finished_at=""),
        dossier(dossier_code="B"),  # same code, different content: this last one wins
        dossier(dossier_code=" A "),  # same after trimming: also an exact duplicate
    ]
    write_csv(tmp_path / "landing/dossiers/ho_so_2024-01.csv", rows)
    outcome = ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    (record,) = outcome.files
    assert (
        record.rows_read,
        record.rows_loaded,
        record.rows_quarantined,
        record.rows_duplicate,
    ) == (5, 2, 1, 2)
    held = quarantined(tmp_path / "data", "dossiers", "2024-01")
    assert held["row_number"].to_list() == [4]
    assert "(row 5 kept)" in held["reason"][0]
    kept = staged(tmp_path / "data", "dossiers", "2024-01").sort("dossier_code")
    assert kept["status_code"].to_list() == [10, 10]


def test_several_reasons_on_one_row_are_all_given(tmp_path):
    write_csv(
        tmp_path / "landing/dossiers/ho_so_2024-01.csv",
        [dossier(received_at="xx", admin_unit_code="99999", channel="Fax")],
    )
    ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    held = quarantined(tmp_path / "data", "dossiers", "2024-01")
    assert set(held["columns"][0].split(", ")) >= {"received_at", "channel"}
    reason = held["reason"][0]
    assert "Ngày tiếp nhận: the cell is not a date" in reason and "Kênh nộp: the cell" in reason
    assert "'xx'" not in reason and "Fax" not in reason  # the reason never quotes a cell


def test_quarantined_raw_values_mask_personal_data(tmp_path):
    write_csv(tmp_path / "landing/dossiers/ho_so_2024-01.csv", [dossier(channel="Fax")])
    ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    raw = json.loads(quarantined(tmp_path / "data", "dossiers", "2024-01")["raw"][0])
    assert "applicant_name" not in raw and "applicant_phone" not in raw
    expected = hmac_columns(pl.DataFrame({"k": ["060123456789"]}), ["k"], TEST_KEY)["k"][0]
    assert raw["applicant_key"] == expected
    assert raw["channel"] == "Fax"
    text = quarantined(tmp_path / "data", "dossiers", "2024-01").write_csv()
    assert "060123456789" not in text and "Nguyễn Văn Thử" not in text and "0912345678" not in text


def test_staged_dossiers_hold_no_names_or_phones_and_hash_ids(tmp_path):
    write_csv(tmp_path / "landing/dossiers/ho_so_2024-01.csv", [dossier()])
    ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    out = staged(tmp_path / "data", "dossiers", "2024-01")
    assert "applicant_name" not in out.columns and "applicant_phone" not in out.columns
    assert len(out["applicant_key"][0]) == 64 and out["applicant_key"][0] != "060123456789"


PROCEDURE_CASES = [
    ("bad decision date", {"decision_date": "chưa rõ"}, "decision_date", "the cell is not a date"),
    ("missing field", {"field": ""}, "field", "Lĩnh vực is required"),
    ("bad levels", {"levels": "Trung ương"}, "levels", "does not have the expected form"),
    ("bad status", {"status": "Tạm dừng"}, "status", "the cell is not one of"),
    ("negative time limit", {"time_limit": "-2"}, "time_limit", "must be ≥ 0"),
]


@pytest.mark.parametrize(
    "name, cells, column, reason", PROCEDURE_CASES, ids=[c[0] for c in PROCEDURE_CASES]
)
def test_procedure_row_rules(tmp_path, name, cells, column, reason):
    rows = [procedure(procedure_code="1.000001"), procedure(procedure_code="1.000002", **cells)]
    write_csv(tmp_path / "landing/procedures/danh_muc_tthc_2024-12-31.csv", rows, PROCEDURES)
    ingest(tmp_path / "landing", tmp_path / "data", "procedures", "2024-12-31")
    held = quarantined(tmp_path / "data", "procedures", "2024-12-31")
    assert held["row_number"].to_list() == [3]
    assert column in held["columns"][0] and reason in held["reason"][0]


def test_procedure_levels_are_normalised(tmp_path):
    rows = [procedure(levels="cấp tỉnh; Cấp huyện")]
    write_csv(tmp_path / "landing/procedures/danh_muc_tthc_2024-12-31.csv", rows, PROCEDURES)
    ingest(tmp_path / "landing", tmp_path / "data", "procedures", "2024-12-31")
    assert staged(tmp_path / "data", "procedures", "2024-12-31")["levels"].to_list() == [
        "Tỉnh, Huyện"
    ]


def test_key_conflicts_are_found_among_many_rows_with_null_key_parts():
    """Repeated keys are first narrowed on a 64-bit hash of the key (8 bytes a row, not the
    key texts); every repeat must still be found — a multi-column key, nulls equal — and its
    reason said even where a part of the key is empty."""
    from schemas.engagement import SPEC as ENGAGEMENT
    from warehouse.ingest.rules import _repeated_hashes, key_conflicts

    key = list(ENGAGEMENT.key)
    rows = 50_000
    unique = pl.DataFrame({k: [f"{k}{i}" for i in range(rows)] for k in key})
    repeats = pl.DataFrame(  # rows 2 and 4 repeat row 0; row 3's key has a null like row 1's
        {k: ["event_date0", None, "event_date0", None, "event_date0"] for k in key[:1]}
        | {k: [f"{k}0", f"{k}1", f"{k}0", f"{k}1", f"{k}0"] for k in key[1:]}
    )
    good = pl.concat([repeats, unique.slice(5)]).with_row_index("row_number", offset=1)
    good = good.with_columns(pl.col("row_number").cast(pl.Int64)).lazy()
    assert _repeated_hashes(good, key).len() == 2  # only these keys' rows are grouped exactly
    found = key_conflicts(ENGAGEMENT, good)
    assert found.get_column("row").to_list() == [1, 2, 3]  # the last of each key is kept
    assert "(row 5 kept)" in found["reason"][0] and "(row 4 kept)" in found["reason"][1]
