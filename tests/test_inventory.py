"""The landing inventory: files no source claims and the province's reference files reach the
tables through the data folder; the build never reads the landing folder."""

import duckdb

from tests.helpers import dossier, write_csv
from warehouse.build import Warehouse
from warehouse.inventory import record_landing
from warehouse.paths import DataPaths


def _build(data, *tables):
    warehouse = Warehouse(DataPaths(data))
    with warehouse.connect() as con:
        for table in tables:
            warehouse.run(con, table)
    con = duckdb.connect(str(DataPaths(data).build_db), read_only=True)
    try:
        return {t: con.sql(f"select * from {t}").pl() for t in tables}
    finally:
        con.close()


def test_stray_files_and_supplied_agencies_come_from_the_data_folder(tmp_path):
    landing, data = tmp_path / "landing", tmp_path / "data"
    write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier()])
    (landing / "dossiers/ghi_chu.txt").write_text("không phải dữ liệu", encoding="utf-8")
    supplied = landing / "reference/agencies.csv"
    supplied.parent.mkdir(parents=True)
    supplied.write_text(
        "agency_code,agency_name,level,admin_unit_code\nH36.99,Sở Thử nghiệm,Tỉnh,68\n",
        encoding="utf-8",
    )
    inventory = record_landing(landing, DataPaths(data))
    assert [u.path.name for u in inventory.unmatched] == ["ghi_chu.txt"]
    assert inventory.reference_files == ["agencies.csv"]

    moved = tmp_path / "elsewhere"
    landing.rename(moved)  # the build must not need the landing folder
    tables = _build(data, "dim_agency", "load_audit")
    assert tables["dim_agency"]["agency_code"].to_list() == ["H36.99"]
    audit = tables["load_audit"]
    assert audit.select("source", "source_file", "status").rows() == [
        ("dossiers", "dossiers/ghi_chu.txt", "rejected")
    ]

    moved.rename(landing)
    supplied.unlink()
    record_landing(landing, DataPaths(data))
    sample = _build(data, "dim_agency")["dim_agency"]
    assert "H36.99" not in sample["agency_code"].to_list() and sample.height > 1
