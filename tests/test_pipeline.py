"""The whole graph through Dagster: definitions load, every asset materialises in-process,
checks pass and fail as they should, runs are idempotent, readers are never disturbed."""

import subprocess
import time
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.definitions import ALL_ASSETS
from assets.resources import DanvanResource
from pipelines.generate import generate
from pipelines.runner import run_pipeline
from tests.helpers import bin_path, dossier, run_command, run_danvan, write_csv
from warehouse.ingest.recount import recount
from warehouse.settings import Settings
from warehouse.tables import TABLE_NAMES

ROOT = Path(__file__).resolve().parents[1]
COMPARED_TABLES = (
    "fact_dossier",
    "mart_dossier_monthly",
    "mart_procedure_publication",
    "mart_province_scorecard",
    "quarantine",
    "dim_procedure",
)


def test_dagster_definitions_validate():
    done = subprocess.run(
        [bin_path("dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Validation successful" in done.stderr + done.stdout


def test_dg_check_defs():
    done = subprocess.run(
        [bin_path("dg"), "check", "defs"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-2000:]


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    generate(root / "landing", scale=0.03)
    return Settings.from_env(root / "landing", root / "data")


def _checksums(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.sql(
                f"select md5(string_agg(x::varchar, '|' order by x::varchar)) from {t} x"
            ).fetchall()[0][0]
            for t in COMPARED_TABLES
        }
    finally:
        con.close()


@pytest.mark.slow
def test_whole_graph_materialises_and_is_idempotent(small):
    first = run_pipeline(small, echo=lambda _: None)
    assert first.ok, first.failures
    db = small.data_dir / "reporting.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    tables = {r[0] for r in con.sql("select table_name from duckdb_tables()").fetchall()}
    assert set(TABLE_NAMES) | {"publish_log"} <= tables
    assert con.sql("select count(*) from fact_dossier").fetchall()[0][0] > 10_000
    con.close()
    before = _checksums(db)
    lines = []
    second = run_pipeline(small, echo=lines.append)
    assert second.ok and _checksums(db) == before
    fact = next(line for line in lines if line.strip().startswith("fact_dossier:"))
    assert "fact_dossier: unchanged," in fact, fact  # nothing new: the fact is not rebuilt
    # progress as it goes: each period before its source's end, each table before the checks
    stripped = [line.strip() for line in lines]
    periods = [i for i, line in enumerate(stripped) if line.startswith("dossiers 20")]
    assert periods and all("unchanged, " in stripped[i] for i in periods)
    assert max(periods) < stripped.index(next(x for x in stripped if x.startswith("dossiers: ok")))
    checks = stripped.index(next(x for x in stripped if x.startswith("[checks]")))
    assert stripped.index(fact.strip()) < checks


@pytest.mark.slow
def test_an_analyst_reading_during_a_run_sees_no_error(small):
    """The analyst is another process holding a read-only connection while `danvan run` works."""
    if not (small.data_dir / "reporting.duckdb").exists():
        assert run_pipeline(small, echo=lambda _: None).ok
    db = str(small.data_dir / "reporting.duckdb")
    held = duckdb.connect(db, read_only=True)
    run = subprocess.Popen(
        run_command(small.landing_dir, small.data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    reads = 0
    while run.poll() is None or reads < 3:
        assert held.sql("select count(*) from fact_dossier").fetchall()[0][0] > 0
        fresh = duckdb.connect(db, read_only=True)
        assert fresh.sql("select count(*) from publish_log").fetchall()[0][0] >= 1
        fresh.close()
        reads += 1
        time.sleep(0.05)  # leave the cores to the run
    output = run.stdout.read()
    held.close()
    assert run.returncode == 0, output[-2000:]
    assert reads >= 3


def _materialise_january(settings: Settings, instance=None):
    instance = instance or dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("dossiers_periods", ["2024-01"])
    return dg.materialize(
        ALL_ASSETS,
        selection=["staging_dossiers"],
        partition_key="2024-01",
        resources={
            "danvan": DanvanResource(
                landing_dir=str(settings.landing_dir), data_dir=str(settings.data_dir)
            )
        },
        instance=instance,
        raise_on_error=False,
    )


def _checks(result) -> dict[str, object]:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def _records(value) -> list[dict]:
    return [record.data for record in value.records]


def test_checks_pass_on_good_data_with_metadata(tmp_path):
    settings = Settings.from_env(tmp_path / "landing", tmp_path / "data")
    write_csv(
        tmp_path / "landing/dossiers/ho_so_2024-01.csv", [dossier(), dossier(dossier_code="H2")]
    )
    result = _materialise_january(settings)
    assert result.success
    checks = _checks(result)
    assert {c: (e.passed, e.partition) for c, e in checks.items()} == {
        "staging_dossiers_readable": (True, "2024-01"),
        "staging_dossiers_conservation": (True, "2024-01"),
        "staging_dossiers_quarantine_rate": (True, "2024-01"),
        "staging_dossiers_redelivery": (True, "2024-01"),
    }
    assert all(c.description for c in checks.values())
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert event.materialization.partition == "2024-01"
    assert metadata["dagster/row_count"].value == 2
    assert metadata["rows_read"].value == 2 and metadata["quarantine_rate"].value == 0.0
    assert "dagster/column_schema" in metadata and "preview" in metadata
    assert "060123456789" not in str(metadata) and "Nguyễn" not in str(metadata)
    # each result judges this materialisation, not the one before it
    (target,) = {c.target_materialization_data.storage_id for c in checks.values()}
    assert target is not None


def test_a_rejected_file_fails_its_partition_naming_file_and_reason(tmp_path):
    settings = Settings.from_env(tmp_path / "landing", tmp_path / "data")
    path = tmp_path / "landing/dossiers/ho_so_2024-01.csv"
    path.parent.mkdir(parents=True)
    path.write_text("Mã hồ sơ,Mã TTHC,Mã cơ quan\nH1,1.1,X\n", encoding="utf-8")
    result = _materialise_january(settings)
    assert not result.success
    readable = _checks(result)["staging_dossiers_readable"]
    assert readable.passed is False and readable.partition == "2024-01"
    (rejected,) = _records(readable.metadata["rejected"].value)
    assert rejected["file"] == "dossiers/ho_so_2024-01.csv"
    assert "missing required column" in rejected["reason"]
    assert "ho_so_2024-01.csv" in readable.description
    assert readable.metadata["files_rejected"].value == 1
    # the failed blocking check fails the step once its result is recorded against the
    # materialisation it judges (the period's state: its rejected file, no rows)
    (failure,) = result.get_step_failure_events()
    assert failure.step_failure_data.error.cls_name == "DagsterAssetCheckFailedError"
    (event,) = result.get_asset_materialization_events()
    assert event.materialization.metadata["files_rejected"].value == 1


def test_the_quarantine_rate_check_warns_with_reasons_counted(tmp_path):
    settings = Settings.from_env(tmp_path / "landing", tmp_path / "data")
    write_csv(
        tmp_path / "landing/dossiers/ho_so_2024-01.csv",
        [dossier(), dossier(dossier_code="X", channel="Fax")],
    )
    result = _materialise_january(settings)
    assert result.success  # a warning does not block
    check = _checks(result)["staging_dossiers_quarantine_rate"]
    assert check.passed is False and check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["quarantine_rate"].value == 0.5
    assert check.metadata["warn_above"].value == 0.05
    (reason,) = _records(check.metadata["reasons"].value)
    assert reason["file"] == "dossiers/ho_so_2024-01.csv" and reason["rows"] == 1
    assert reason["row_numbers"] == "3" and "Fax" not in reason["reason"]  # no cell quoted
    assert "dossiers/ho_so_2024-01.csv: 1 of 2 rows quarantined (50.0%" in check.description


def test_the_conservation_check_notices_lost_rows(tmp_path):
    from tests.helpers import ingest

    write_csv(
        tmp_path / "landing/dossiers/ho_so_2024-01.csv", [dossier(), dossier(dossier_code="H2")]
    )
    outcome = ingest(tmp_path / "landing", tmp_path / "data", "dossiers", "2024-01")
    resource = DanvanResource(
        landing_dir=str(tmp_path / "landing"), data_dir=str(tmp_path / "data")
    )
    assert recount(resource.paths, "dossiers", outcome) == []
    staging = resource.paths.staging("dossiers", "2024-01")
    pl.read_parquet(staging).head(1).write_parquet(staging)
    (problem,) = recount(resource.paths, "dossiers", outcome)
    assert "read 2 ≠ loaded 1 + quarantined 0 + duplicates 0" in problem


def test_run_reports_a_failed_partition_and_still_publishes_the_rest(tmp_path):
    settings = Settings.from_env(tmp_path / "landing", tmp_path / "data")
    write_csv(tmp_path / "landing/dossiers/ho_so_2024-01.csv", [dossier()])
    bad = tmp_path / "landing/dossiers/ho_so_2024-02.csv"
    bad.write_text("Mã hồ sơ;Mã TTHC;Mã cơ quan\nH1;1;2\n", encoding="utf-8")
    lines: list[str] = []
    summary = run_pipeline(settings, echo=lines.append)
    assert not summary.ok and summary.published
    assert any(
        "ho_so_2024-02.csv" in f and "missing required column" in f for f in summary.failures
    )
    con = duckdb.connect(summary.published, read_only=True)
    audit = dict(con.sql("select source_file, status from load_audit").fetchall())
    con.close()
    assert audit == {
        "dossiers/ho_so_2024-01.csv": "loaded",
        "dossiers/ho_so_2024-02.csv": "rejected",
    }
    assert any("dossiers 2024-02:" in line and "1 rejected" in line for line in lines), lines
    assert any(line.strip().startswith("dossiers: FAILED") for line in lines), lines


@pytest.mark.slow
def test_cli_run_exits_non_zero_with_a_readable_message(tmp_path):
    (tmp_path / "landing/dossiers").mkdir(parents=True)
    (tmp_path / "landing/dossiers/ho_so_2024-02.csv").write_text("a,b\n1,2\n")
    done = run_danvan(tmp_path / "landing", tmp_path / "data")
    assert done.returncode == 1
    assert "ho_so_2024-02.csv: no header row found" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_the_welfare_totals_check_warns_naming_file_and_both_sums(tmp_path):
    from schemas.welfare import SPEC as WELFARE
    from tests.test_sources import activity

    path = tmp_path / "landing/welfare/an_sinh_HND_2024-Q1.csv"
    write_csv(path, [activity()], WELFARE)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('Tổng cộng,,,,,100,"41.000.000",\n')
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("welfare_periods", ["2024-Q1"])
    result = dg.materialize(
        ALL_ASSETS,
        selection=["staging_welfare"],
        partition_key="2024-Q1",
        resources={
            "danvan": DanvanResource(
                landing_dir=str(tmp_path / "landing"), data_dir=str(tmp_path / "data")
            )
        },
        instance=instance,
        raise_on_error=False,
    )
    assert result.success  # reported, not blocking: the data rows still load
    check = _checks(result)["staging_welfare_totals_reconciled"]
    assert check.passed is False and check.severity == dg.AssetCheckSeverity.WARN
    (mismatch,) = _records(check.metadata["mismatches"].value)
    assert mismatch["file"] == "welfare/an_sinh_HND_2024-Q1.csv"
    assert "says 41,000,000, the data rows sum to 40,000,000" in mismatch["difference"]
    assert check.metadata["files_mismatched"].value == 1
    assert "an_sinh_HND_2024-Q1.csv" in check.description


@pytest.mark.slow
def test_run_says_when_the_landing_folder_is_empty(tmp_path):
    settings = Settings.from_env(tmp_path / "landing", tmp_path / "data")
    settings.landing_dir.mkdir()
    lines: list[str] = []
    run_pipeline(settings, echo=lines.append)
    said = f"  ! no files in {settings.landing_dir}: the tables hold what earlier runs staged"
    assert said in lines
    write_csv(settings.landing_dir / "dossiers/ho_so_2024-01.csv", [dossier()])
    lines.clear()
    assert run_pipeline(settings, echo=lines.append).published
    assert not any("no files in" in line for line in lines)


def _welfare_quarter(landing: Path, quarter: str, rows: list[dict]) -> Path:
    from schemas.welfare import SPEC as WELFARE

    return write_csv(landing / f"welfare/an_sinh_MTTQ_2024-{quarter}.csv", rows, WELFARE)


@pytest.mark.slow
def test_a_wholly_quarantined_quarter_fails_the_run_loudly_and_the_rest_publishes(tmp_path):
    """No source silently loses a period (#16): the file and its top reasons are named, the
    command exits 1, and everything else is still built and published."""
    from tests.test_sources import activity

    landing, data = tmp_path / "landing", tmp_path / "data"
    write_csv(landing / "dossiers/ho_so_2024-01.csv", [dossier()])
    _welfare_quarter(landing, "Q1", [activity(), activity(admin_unit="H. Bắc Bình")])
    lost = [activity(activity_date=f"0{d}/04/2024", quantity="0") for d in range(1, 8)]
    lost.append(activity(activity_date="15/04/2024", value_vnd="không rõ"))
    _welfare_quarter(landing, "Q2", lost)
    done = run_danvan(landing, data)
    assert done.returncode == 1, done.stdout[-3000:]
    errors = done.stdout[done.stdout.index("errors:") :]
    assert "welfare 2024-Q2: welfare/an_sinh_MTTQ_2024-Q2.csv: 8 of 8 rows quarantined" in errors
    assert "(100.0%, above 50%)" in errors
    assert "7 × Số lượng" in errors and "1 × Thành tiền" in errors  # the top reasons, counted
    assert "published: " + str(data / "reporting.duckdb") in done.stdout
    con = duckdb.connect(str(data / "reporting.duckdb"), read_only=True)
    try:
        periods = con.sql("select distinct period from fact_welfare_activity").fetchall()
        dossiers = con.sql("select count(*) from fact_dossier").fetchall()[0][0]
        held = con.sql("select count(*) from quarantine where period = '2024-Q2'").fetchall()
    finally:
        con.close()
    assert periods == [("2024-Q1",)] and dossiers == 1 and held == [(8,)]
