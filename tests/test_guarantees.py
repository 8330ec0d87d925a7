"""The guarantees of docs/guarantees.md: crash safety, consistent snapshots for readers,
determinism, re-deliveries, and no personal data in Dagster's events or the logs."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.generate import generate
from pipelines.runner import run_pipeline
from tests.helpers import event_log_text, run_command, run_danvan
from warehouse.settings import Settings

ALL_BUT_LOG = "table_name <> 'publish_log'"


@pytest.fixture(scope="module")
def landing(tmp_path_factory):
    root = tmp_path_factory.mktemp("guarantees")
    generate(root / "landing", scale=0.01)
    return root / "landing"


def _checksums(db: Path, where: str = ALL_BUT_LOG) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.sql(
                f"select table_name from duckdb_tables() where schema_name = 'main' and {where}"
            ).fetchall()
        ]
        # check_results also say when each check ran: the same results of the same rows, later
        columns = {t: "* exclude (checked_at)" if t == "check_results" else "*" for t in tables}
        return {
            t: con.sql(
                "select md5(string_agg(x::varchar, '|' order by x::varchar)) "
                f"from (select {columns[t]} from {t}) x"
            ).fetchall()[0][0]
            for t in tables
        }
    finally:
        con.close()


def _run(landing: Path, data: Path):
    summary = run_pipeline(Settings.from_env(landing, data), echo=lambda _: None)
    assert summary.published, summary.failures
    return summary


@pytest.mark.slow
def test_rerunning_the_same_landing_gives_identical_tables(landing, tmp_path):
    _run(landing, tmp_path)
    first = _checksums(tmp_path / "reporting.duckdb")
    _run(landing, tmp_path)
    assert _checksums(tmp_path / "reporting.duckdb") == first  # load_audit included


@pytest.mark.slow
def test_redeliveries_identical_changes_nothing_corrected_changes_its_period(landing, tmp_path):
    work = tmp_path / "landing"
    shutil.copytree(landing, work)
    _run(work, tmp_path / "data")
    db = tmp_path / "data" / "reporting.duckdb"
    before = _checksums(db, "table_name like 'fact_%' or table_name like 'mart_%'")
    original = next((work / "feedback").glob("pakn_2024-03.csv"))
    shutil.copy(original, work / "feedback/pakn_2024-03__20250201000000.csv")  # same bytes
    _run(work, tmp_path / "data")
    assert _checksums(db, "table_name like 'fact_%' or table_name like 'mart_%'") == before

    def by_period(table: str) -> dict[str, str]:
        con = duckdb.connect(str(db), read_only=True)
        rows = dict(
            con.sql(
                f"select period, md5(string_agg(x::varchar, '|' order by x::varchar)) "
                f"from {table} x group by period"
            ).fetchall()
        )
        con.close()
        return rows

    periods_before = by_period("fact_feedback")
    corrected = pl.read_csv(original, infer_schema=False).with_columns(
        pl.lit("Không hài lòng").alias("Đánh giá")
    )
    corrected.write_csv(work / "feedback/pakn_2024-03__20250301000000.csv")
    _run(work, tmp_path / "data")
    periods_after = by_period("fact_feedback")
    changed = {p for p in periods_before if periods_before[p] != periods_after.get(p)}
    assert changed == {"2024-03"}


@pytest.mark.slow
def test_readers_keep_a_consistent_snapshot_across_publishes(landing, tmp_path):
    _run(landing, tmp_path)
    db = str(tmp_path / "reporting.duckdb")
    reader = duckdb.connect(db, read_only=True)
    seen = reader.sql("select max(run_id), count(*) from publish_log").fetchall()[0]
    rows = reader.sql("select count(*) from fact_dossier").fetchall()[0][0]
    _run(landing, tmp_path)
    assert reader.sql("select max(run_id), count(*) from publish_log").fetchall()[0] == seen
    assert reader.sql("select count(*) from fact_dossier").fetchall()[0][0] == rows
    # another process (DuckDB shares one instance per file within a process) sees the new one
    latest = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; print(duckdb.connect(sys.argv[1], "
            "read_only=True).sql('select count(*) from publish_log').fetchall()[0][0])",
            db,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    assert int(latest) == seen[1] + 1  # the new publish, all of it
    reader.close()


@pytest.mark.slow
def test_runs_killed_at_any_point_leave_the_published_file_intact(landing, tmp_path):
    data = tmp_path / "data"
    command = run_command(landing, data)
    assert subprocess.run(command, capture_output=True, timeout=600).returncode == 0
    published = data / "reporting.duckdb"
    for delay in (0.5, 2.0, 4.0, 6.0, 8.0):
        run = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        time.sleep(delay)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        con = duckdb.connect(str(published), read_only=True)  # readable after every kill
        assert con.sql("select count(*) from fact_dossier").fetchall()[0][0] > 0
        assert con.sql("select count(*) from publish_log").fetchall()[0][0] >= 1
        con.close()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:]
    assert not list(data.rglob(".*.tmp"))  # no half-written file is left behind


def test_run_refuses_to_start_without_a_key_outside_demo_mode(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DANVAN_PII_KEY", "DANVAN_DEMO")}
    (tmp_path / "landing").mkdir()
    done = run_danvan(tmp_path / "landing", tmp_path / "data", env, timeout=120)
    assert done.returncode == 2
    assert "DANVAN_PII_KEY is not set: refusing" in done.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.slow
def test_no_personal_data_in_dagster_events_or_logs(landing, tmp_path, monkeypatch, capfd):
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    lines: list[str] = []
    instance = dg.DagsterInstance.get()  # as `danvan run` records into it
    run_pipeline(Settings.from_env(landing, tmp_path / "data"), lines.append, instance=instance)
    captured = capfd.readouterr()
    people = pl.concat(
        [
            pl.read_csv(
                f, infer_schema=False, columns=["Họ tên chủ hồ sơ", "Số CCCD", "Số điện thoại"]
            )
            for f in sorted((landing / "dossiers").glob("*__*.csv"))[:3]
        ]
    )
    needles = (
        set(people["Số CCCD"]) | set(people["Số điện thoại"]) | set(people["Họ tên chủ hồ sơ"])
    )
    events = event_log_text(instance)
    haystack = "\n".join([*events, *lines, captured.out, captured.err])
    assert len(events) > 100
    assert [n for n in needles if n in haystack] == []
