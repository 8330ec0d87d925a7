"""Periods from file names, delivery order, latest-wins re-delivery, idempotent reloads."""

import os

import polars as pl

from schemas.landing import Delivery, Unmatched, discover, match_file
from schemas.registry import SOURCES
from tests.helpers import dossier, dossier_in_month, ingest, staged, write_csv

DOSSIERS = SOURCES["dossiers"]


def _touch(path, mtime):
    os.utime(path, (mtime, mtime))


def test_names_give_period_stamp_and_slot(tmp_path):
    path = tmp_path / "ho_so_2024-03__20240405101500.CSV"
    path.write_text("x")
    found = match_file(path, DOSSIERS)
    assert isinstance(found, Delivery)
    assert (found.period, found.stamp, found.slot) == (
        "2024-03",
        "20240405101500",
        "period=2024-03",
    )
    assert found.exported_at.isoformat() == "2024-04-05T10:15:00"


def test_names_that_fit_no_source_are_reported(tmp_path):
    for name in ("ho_so_2024-13.csv", "ho_so_2024-03.xls", "bao_cao.csv", "ho_so_2024-03 (1).csv"):
        (tmp_path / name).write_text("x")
        assert isinstance(match_file(tmp_path / name, DOSSIERS), Unmatched), name
    landing = tmp_path / "landing"
    (landing / "dossiers").mkdir(parents=True)
    (landing / "dossiers" / "ghi_chu.txt").write_text("x")
    (landing / "stray.csv").write_text("x")
    deliveries, unmatched = discover(landing, SOURCES.values())
    names = {u.path.name for u in unmatched}
    assert deliveries == [] and names == {"ghi_chu.txt", "stray.csv"}


def test_order_unstamped_first_then_stamps_then_mtime(tmp_path):
    folder = tmp_path / "dossiers"
    folder.mkdir()
    for name, mtime in [
        ("ho_so_2024-01.csv", 300),
        ("ho_so_2024-01__20240201000000.csv", 100),
        ("ho_so_2024-01__20240301000000.xlsx", 50),
        ("ho_so_2024-01__20240301000000.csv", 60),
    ]:
        (folder / name).write_text("x")
        _touch(folder / name, mtime)
    deliveries, _ = discover(tmp_path, SOURCES.values())
    ordered = [d.path.name for d in sorted(deliveries, key=lambda d: d.order)]
    assert ordered == [
        "ho_so_2024-01.csv",
        "ho_so_2024-01__20240201000000.csv",
        "ho_so_2024-01__20240301000000.xlsx",
        "ho_so_2024-01__20240301000000.csv",
    ]


def test_latest_delivery_replaces_the_period_whole(tmp_path):
    folder = tmp_path / "landing/dossiers"
    write_csv(
        folder / "ho_so_2024-01.csv",
        [
            dossier(dossier_code="OLD1"),
            dossier(dossier_code="SAME", status_code="4", finished_at=""),
        ],
    )
    write_csv(folder / "ho_so_2024-01__20240210080000.csv", [dossier(dossier_code="SAME")])
    outcome = ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    statuses = {f.source_file: f.status for f in outcome.files}
    assert statuses == {
        "dossiers/ho_so_2024-01__20240210080000.csv": "loaded",
        "dossiers/ho_so_2024-01.csv": "superseded",
    }
    out = staged(tmp_path / "data", "dossiers", "2024-01")
    assert out["dossier_code"].to_list() == ["SAME"] and out["status_code"].to_list() == [10]


def test_a_rejected_newest_delivery_keeps_the_previous_one(tmp_path):
    folder = tmp_path / "landing/dossiers"
    write_csv(folder / "ho_so_2024-01.csv", [dossier()])
    (folder / "ho_so_2024-01__20240210080000.csv").write_text(
        "Mã hồ sơ,Mã TTHC,Mã cơ quan\nH1,1,2\n"
    )
    outcome = ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    statuses = {f.source_file.split("/")[1]: (f.status, f.message) for f in outcome.files}
    assert statuses["ho_so_2024-01__20240210080000.csv"][0] == "rejected"
    assert "missing required column" in statuses["ho_so_2024-01__20240210080000.csv"][1]
    assert statuses["ho_so_2024-01.csv"][0] == "loaded"
    assert staged(tmp_path / "data", "dossiers", "2024-01").height == 1
    assert [f.source_file for f in outcome.rejected] == [
        "dossiers/ho_so_2024-01__20240210080000.csv"
    ]


def test_loading_the_same_files_twice_changes_nothing(tmp_path):
    write_csv(
        tmp_path / "landing/dossiers/ho_so_2024-01.csv",
        [dossier(), dossier(dossier_code="X", channel="?")],
    )
    ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    first = staged(tmp_path / "data", "dossiers", "2024-01")
    ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    second = staged(tmp_path / "data", "dossiers", "2024-01")
    assert first.equals(second)
    assert not any(p.name.endswith(".tmp") for p in (tmp_path / "data").rglob("*"))


def test_a_period_with_no_files_left_stages_nothing(tmp_path):
    (tmp_path / "landing/dossiers").mkdir(parents=True)
    outcome = ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    assert outcome.files == [] and staged(tmp_path / "data", "dossiers", "2024-01").height == 0
    assert isinstance(staged(tmp_path / "data", "dossiers", "2024-01"), pl.DataFrame)


def test_parallel_ingest_gives_the_same_staging_as_sequential(tmp_path, monkeypatch):
    import datetime as dt

    from schemas.landing import discover
    from schemas.registry import SOURCES
    from warehouse import ingest as module
    from warehouse.paths import DataPaths

    landing = tmp_path / "landing"
    for month in ("01", "02", "03"):
        write_csv(
            landing / f"dossiers/ho_so_2024-{month}.csv",
            [
                dossier_in_month(f"H{month}", month),
                dossier(dossier_code=f"X{month}", channel="Fax"),
            ],
        )
    deliveries, _ = discover(landing, SOURCES.values())
    context = module.IngestContext.standard(b"k", landing, dt.datetime(2025, 1, 1))
    periods = ["2024-01", "2024-02", "2024-03"]
    sequential = list(
        module.ingest_periods(
            SOURCES["dossiers"], periods, deliveries, context, DataPaths(tmp_path / "one")
        )
    )
    monkeypatch.setenv("DANVAN_INGEST_WORKERS", "2")
    monkeypatch.setattr("warehouse.ingest.periods.PARALLEL_FROM_BYTES", 0)
    parallel = list(
        module.ingest_periods(
            SOURCES["dossiers"], periods, deliveries, context, DataPaths(tmp_path / "two")
        )
    )
    assert [o.period for o in parallel] == periods
    assert (
        [(o.rows_loaded, o.rows_quarantined) for o in parallel]
        == [(o.rows_loaded, o.rows_quarantined) for o in sequential]
        == [(1, 1)] * 3
    )
    for period in periods:
        assert staged(tmp_path / "one", "dossiers", period).equals(
            staged(tmp_path / "two", "dossiers", period)
        )


def test_unchanged_files_are_neither_hashed_nor_read_again(tmp_path, monkeypatch):
    from warehouse import files
    from warehouse.ingest import one_file

    landing, data = tmp_path / "landing", tmp_path / "data"
    write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier()])
    assert not ingest(landing, data, "dossiers", "2024-01").reused
    hashed, read = [], []
    real_hash, real_read = files.sha256_of, one_file.read_tables
    monkeypatch.setattr(files, "sha256_of", lambda p: hashed.append(p) or real_hash(p))
    monkeypatch.setattr(one_file, "read_tables", lambda *a: read.append(a) or real_read(*a))
    again = ingest(landing, data, "dossiers", "2024-01")
    assert again.reused and again.rows_loaded == 1
    assert hashed == [] and read == []


def test_a_file_rewritten_in_place_with_the_same_size_is_read_again(tmp_path):
    landing, data = tmp_path / "landing", tmp_path / "data"
    path = write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier(dossier_code="AAAA")])
    ingest(landing, data, "dossiers", "2024-01")
    size, mtime = path.stat().st_size, path.stat().st_mtime_ns
    write_csv(path, [dossier(dossier_code="BBBB")])
    os.utime(path, ns=(mtime, mtime))  # same size, same mtime: only ctime and content differ
    assert path.stat().st_size == size
    outcome = ingest(landing, data, "dossiers", "2024-01")
    assert not outcome.reused
    assert staged(data, "dossiers", "2024-01")["dossier_code"].to_list() == ["BBBB"]


def test_a_touched_file_is_hashed_once_then_known_again(tmp_path, monkeypatch):
    """Same bytes with new times (touched, copied back, re-linked): hashed once to see that
    nothing changed, its new times recorded, and not hashed on the runs after."""
    from warehouse import files

    landing, data = tmp_path / "landing", tmp_path / "data"
    path = write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier()])
    ingest(landing, data, "dossiers", "2024-01")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    hashed = []
    real_hash = files.sha256_of
    monkeypatch.setattr(files, "sha256_of", lambda p: hashed.append(p) or real_hash(p))
    assert ingest(landing, data, "dossiers", "2024-01").reused
    assert hashed == [path]
    assert ingest(landing, data, "dossiers", "2024-01").reused
    assert hashed == [path]


def test_periods_are_yielded_as_each_is_done(tmp_path):
    """A long ingest shows progress: the first period's outcome comes before the next is read."""
    import datetime as dt

    from warehouse import ingest as module
    from warehouse.paths import DataPaths

    landing = tmp_path / "landing"
    for month in ("01", "02"):
        write_csv(
            landing / f"dossiers/ho_so_2024-{month}.csv", [dossier_in_month(f"H{month}", month)]
        )
    deliveries, _ = discover(landing, SOURCES.values())
    context = module.IngestContext.standard(b"k", landing, dt.datetime(2025, 1, 1))
    paths = DataPaths(tmp_path / "data")
    outcomes = module.ingest_periods(
        SOURCES["dossiers"], ["2024-01", "2024-02"], deliveries, context, paths
    )
    assert next(outcomes).period == "2024-01"
    assert paths.staging("dossiers", "2024-01").exists()
    assert not paths.staging("dossiers", "2024-02").exists()
    assert next(outcomes).period == "2024-02"
    assert paths.staging("dossiers", "2024-02").exists()
