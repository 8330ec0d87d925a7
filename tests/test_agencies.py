"""The agency list: the shipped sample is in the portal's Lâm Đồng namespace (H36) with the
validity of each agency, and a supplied list that breaks a rule is rejected alone, saying why,
while the sample applies and everything else loads."""

import datetime as dt

import duckdb
import polars as pl

from tests.helpers import dossier, write_csv
from warehouse.agencies import SAMPLE_CSV, agencies, read_agencies
from warehouse.build import Warehouse
from warehouse.inventory import record_landing
from warehouse.paths import DataPaths
from warehouse.reference import REFERENCE_DIR, admin_units

REFORM = dt.date(2025, 7, 1)


def test_the_sample_is_in_the_h36_namespace_and_says_it_is_a_sample():
    sample = read_agencies(SAMPLE_CSV)
    assert sample["agency_code"].str.starts_with("H36.").all()
    assert sample["agency_code"].is_unique().all()
    readme = (REFERENCE_DIR / "README.md").read_text(encoding="utf-8")
    assert "## agencies_sample.csv (a SAMPLE, not real)" in readme


def test_old_agencies_end_and_new_ones_begin_with_the_reform():
    listed = agencies()
    old = listed.filter(pl.col("valid_to").is_not_null())
    new = listed.filter(pl.col("valid_from").is_not_null() & (pl.col("valid_from") == REFORM))
    assert old.height + new.height == listed.height
    assert (old["valid_to"] <= REFORM - dt.timedelta(days=1)).all()
    assert new["valid_to"].is_null().all()
    assert set(new["level_vi"]) == {"Tỉnh", "Xã", "Đặc khu"}
    assert new.filter(pl.col("level") == "commune").height == 124  # one per new commune
    assert set(old["level_vi"]) == {"Tỉnh", "Huyện", "Xã"}
    assert set(listed["level"]) == {"province", "district", "commune"}


def test_every_agency_sits_in_a_unit_in_force_while_it_works():
    units = admin_units().select(
        pl.col("code").alias("admin_unit_code"),
        pl.col("valid_from").fill_null(dt.date(1900, 1, 1)).alias("unit_from"),
        pl.col("valid_to").fill_null(dt.date(9999, 12, 31)).alias("unit_to"),
    )
    listed = agencies().with_columns(
        pl.col("valid_from").fill_null(dt.date(1900, 1, 1)),
        pl.col("valid_to").fill_null(dt.date(9999, 12, 31)),
    )
    # the days of each agency's validity that a unit row of its code covers: all of them
    overlap = pl.min_horizontal("valid_to", "unit_to") - pl.max_horizontal(
        "valid_from", "unit_from"
    )
    covered = (
        listed.join(units, on="admin_unit_code")
        .with_columns(days=(overlap.dt.total_days() + 1).clip(lower_bound=0))
        .group_by("agency_code", "valid_from", "valid_to")
        .agg(pl.col("days").sum())
        .filter(pl.col("days") == (pl.col("valid_to") - pl.col("valid_from")).dt.total_days() + 1)
    )
    assert covered.height == listed.height


def _supplied(landing, text):
    path = landing / "reference" / "agencies.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_supplied_list_is_rejected_alone_and_the_sample_applies(tmp_path):
    landing, data = tmp_path / "landing", tmp_path / "data"
    write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier()])
    _supplied(
        landing,
        "agency_code,agency_name,level,admin_unit_code,valid_from,valid_to\n"
        "H36.01,Văn phòng UBND tỉnh,Tỉnh,68,2025-07-01,\n"
        "H36.01,Sở Tư pháp,Tỉnh,68,2025-07-01,\n"
        "H36.02,Sở Thử nghiệm,Tỉnh,99999,,\n"
        "H36.03,Sở Ngày sai,Tỉnh,68,31/12/2025,\n"
        "H36.04,Sở Hai ngày,Tỉnh,68,2025-07-01,2025-01-01\n"
        "H36.05,UBND Phường Lạ,Phường,22918,2025-07-01,\n",
    )
    inventory = record_landing(landing, DataPaths(data))
    assert inventory.reference_files == []
    [rejected] = inventory.unmatched  # the dossier file is still a delivery
    assert rejected.path.name == "agencies.csv"
    reason = rejected.reason
    assert "the sample agency list applies" in reason
    for problem in (
        "an agency_code listed more than once (rows 2, 3)",
        "a unit code not in the reference data (row 4)",
        "a valid_from that is not a yyyy-MM-dd date (row 5)",
        "valid_from after valid_to (row 6)",
        "a level other than Tỉnh, Huyện, Xã, Đặc khu (row 7)",
    ):
        assert problem in reason
    assert "99999" not in reason and "31/12/2025" not in reason  # no raw cell quoted
    assert not DataPaths(data).reference("agencies.csv").exists()

    warehouse = Warehouse(DataPaths(data))
    with warehouse.connect() as con:
        for table in ("dim_agency", "load_audit"):
            warehouse.run(con, table)
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    try:
        audit = con.sql("select source_file, status, message from load_audit").fetchall()
        sample = con.sql("select count(*) from dim_agency").fetchall()[0][0]
    finally:
        con.close()
    assert audit == [("reference/agencies.csv", "rejected", reason)]
    assert sample == read_agencies(SAMPLE_CSV).height


def test_a_list_without_its_columns_or_unreadable_is_rejected(tmp_path):
    landing = tmp_path / "landing"
    _supplied(landing, "agency_code,agency_name\nH36.01,Văn phòng\n")
    [rejected] = record_landing(landing, DataPaths(tmp_path / "data")).unmatched
    assert "missing column(s) level, admin_unit_code" in rejected.reason
    path = _supplied(landing, "")
    path.write_bytes("agency_code,agency_name,level,admin_unit_code\n".encode("utf-16"))
    [rejected] = record_landing(landing, DataPaths(tmp_path / "data")).unmatched
    assert "not a readable UTF-8 CSV" in rejected.reason or "missing column" in rejected.reason
