"""Sensor, schedule, backfills, concurrent runs and the Dagster webserver's view of the project."""

import base64
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.charts import index_chart
from assets.definitions import ALL_ASSETS, defs
from assets.resources import DanvanResource
from assets.schedules import nightly_refresh
from assets.sensors import landing_sensor
from tests.helpers import bin_path, dossier, dossier_in_month, procedure, run_command, write_csv
from warehouse.tables import TABLE_NAMES

ROOT = Path(__file__).resolve().parents[1]


class Landing:
    """A landing folder and the sensor ticking over it, cursor carried between ticks."""

    def __init__(self, root: Path, min_age: float = 0.0):
        self.root = root / "landing"
        self.root.mkdir(parents=True)
        self.resource = DanvanResource(
            landing_dir=str(self.root), data_dir=str(root / "data"), min_file_age_seconds=min_age
        )
        self.instance = dg.DagsterInstance.ephemeral()
        self.cursor = None

    def tick(self):
        context = dg.build_sensor_context(
            instance=self.instance, cursor=self.cursor, resources={"danvan": self.resource}
        )
        result = landing_sensor(context)
        self.cursor = result.cursor
        return result

    def requested(self, result) -> list[tuple[str, str]]:
        return [
            (r.asset_selection[0].to_user_string(), r.partition_key) for r in result.run_requests
        ]


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_sensor_launches_a_new_file_once_it_is_stable(tmp_path):
    landing = Landing(tmp_path)
    path = write_csv(landing.root / "dossiers/ho_so_2024-01.csv", [dossier()])
    _age(path, 120)
    assert landing.requested(landing.tick()) == []  # first sight: may still be copying
    result = landing.tick()
    assert landing.requested(result) == [("staging_dossiers", "2024-01")]
    assert result.run_requests[0].run_key.startswith("dossiers:2024-01:")
    assert landing.requested(landing.tick()) == []  # unchanged: nothing more


def test_sensor_waits_while_a_file_is_still_growing(tmp_path):
    landing = Landing(tmp_path)
    path = write_csv(landing.root / "dossiers/ho_so_2024-01.csv", [dossier()])
    _age(path, 120)
    landing.tick()
    with path.open("a", encoding="utf-8") as handle:  # the copy goes on
        handle.write("H2,1.001612,H60.02,60,Tỉnh,2,05/01/2024 08:00,10/01/2024 17:00,,4,,,\n")
    _age(path, 100)
    assert landing.requested(landing.tick()) == []
    assert landing.requested(landing.tick()) == [("staging_dossiers", "2024-01")]


def test_sensor_leaves_files_younger_than_the_minimum_age(tmp_path):
    landing = Landing(tmp_path, min_age=3600)
    write_csv(landing.root / "dossiers/ho_so_2024-01.csv", [dossier()])
    landing.tick()
    assert landing.requested(landing.tick()) == []


def test_sensor_reacts_to_content_not_to_mtime(tmp_path):
    landing = Landing(tmp_path)
    path = write_csv(landing.root / "dossiers/ho_so_2024-01.csv", [dossier()])
    _age(path, 120)
    landing.tick()
    assert landing.requested(landing.tick())
    _age(path, 60)  # the same file dropped again: new mtime, same bytes
    landing.tick()
    assert landing.requested(landing.tick()) == []
    write_csv(path, [dossier(), dossier(dossier_code="H2")])  # a corrected delivery
    _age(path, 30)
    landing.tick()
    assert landing.requested(landing.tick()) == [("staging_dossiers", "2024-01")]


def test_sensor_adds_snapshot_partitions_and_warns_about_unmatched_files(tmp_path, caplog):
    landing = Landing(tmp_path)
    from schemas.procedures import SPEC

    path = write_csv(landing.root / "procedures/danh_muc_tthc_2024-12-31.csv", [procedure()], SPEC)
    stray = landing.root / "dossiers/bao_cao_tong_hop.csv"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_text("x")
    _age(path, 120)
    assert landing.requested(landing.tick()) == [("landing_inventory", None)]  # the stray file
    result = landing.tick()
    assert landing.requested(result) == [("staging_procedures", "2024-12-31")]
    (added,) = result.dynamic_partitions_requests
    assert (added.partitions_def_name, list(added.partition_keys)) == (
        "procedures_snapshots",
        ["2024-12-31"],
    )
    assert json.loads(landing.cursor)["warned"] == ["dossiers/bao_cao_tong_hop.csv"]


def test_the_nightly_schedule():
    assert nightly_refresh.cron_schedule == "0 2 * * *"
    assert nightly_refresh.execution_timezone == "Asia/Ho_Chi_Minh"
    job = defs().resolve_job_def("refresh_warehouse")
    selected = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    assert selected == set(TABLE_NAMES) | {"landing_inventory", "reporting_db", "yearly_report"}


def test_published_assets_carry_a_freshness_policy():
    graph = defs().resolve_asset_graph()
    for name in (*TABLE_NAMES, "reporting_db"):
        assert graph.get(dg.AssetKey(name)).freshness_policy is not None, name


def test_backfill_of_a_partition_range_from_the_command_line(tmp_path):
    landing, data = tmp_path / "landing", tmp_path / "data"
    for month in ("01", "02", "03"):
        write_csv(
            landing / f"dossiers/ho_so_2024-{month}.csv",
            [dossier_in_month(f"H{month}", month)],
        )
    env = {**os.environ, "DANVAN_LANDING_DIR": str(landing), "DANVAN_DATA_DIR": str(data)}
    done = subprocess.run(
        [
            bin_path("dagster"),
            "asset",
            "materialize",
            "-m",
            "pipelines.definitions",
            "--select",
            "staging_dossiers",
            "--partition-range",
            "2024-01...2024-03",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    staged = sorted(p.name for p in (data / "staging/dossiers").glob("*.parquet"))
    assert staged == ["2024-01.parquet", "2024-02.parquet", "2024-03.parquet"]
    # its steps ran in the run's process, not each in a process of its own (see the next test)
    assert "STEP_SUCCESS" in done.stderr and "STEP_WORKER_START" not in done.stderr


def test_runs_launched_by_dagster_run_their_steps_in_the_run_process():
    # as `danvan run` does: a process per step would load the definitions again each time
    assert defs().resolve_job_def("refresh_warehouse").executor_def.name == "in_process"
    assert defs().resolve_implicit_global_asset_job_def().executor_def.name == "in_process"


@pytest.mark.slow
def test_two_runs_at_once_both_succeed(tmp_path):
    from pipelines.generate import generate

    generate(tmp_path / "landing", scale=0.01)
    command = run_command(tmp_path / "landing", tmp_path / "data")
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [o[-1500:] for o in outputs]
    con = duckdb.connect(str(tmp_path / "data/reporting.duckdb"), read_only=True)
    assert con.sql("select count(*) from publish_log").fetchall()[0][0] >= 2
    con.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _wait_for_assets(port: int, seconds: float = 180) -> dict:
    query = (
        "{ assetNodes { assetKey { path } "
        "assetChecksOrError { ... on AssetChecks { checks { name } } } } }"
    )
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            nodes = _graphql(port, query)
            if nodes.get("data", {}).get("assetNodes"):
                return nodes
        except OSError:
            pass  # not listening yet
        time.sleep(1)
    raise AssertionError("the webserver did not answer in time")


@pytest.mark.slow
def test_the_webserver_shows_every_asset_and_check(tmp_path):
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    server = subprocess.Popen(
        [bin_path("dagster-webserver"), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        nodes = _wait_for_assets(port)
        found_assets = {"/".join(n["assetKey"]["path"]) for n in nodes["data"]["assetNodes"]}
        found_checks = {
            c["name"]
            for n in nodes["data"]["assetNodes"]
            for c in (n["assetChecksOrError"] or {}).get("checks", [])
        }
        graph = defs().resolve_asset_graph()
        assert found_assets == {k.to_user_string() for k in graph.get_all_asset_keys()}
        assert found_checks == {k.name for k in graph.asset_check_keys}
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_all_assets_are_documented_grouped_and_kinded():
    graph = defs().resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.description and node.group_name and node.kinds, key
    assert len(ALL_ASSETS) >= 6 + len(TABLE_NAMES) + 1


def test_loading_the_definitions_leaves_matplotlib_to_the_steps_that_draw():
    # every process that loads the definitions would otherwise pay for matplotlib
    done = subprocess.run(
        [sys.executable, "-c", "import sys, pipelines.definitions; print(sorted(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "'dagster'" in done.stdout and "matplotlib" not in done.stdout


def test_the_766_chart_in_the_ui_is_a_png(demo):
    settings, _ = demo
    con = duckdb.connect(str(settings.data_dir / "reporting.duckdb"), read_only=True)
    try:
        text = index_chart(con)["group_scores"].md_str
    finally:
        con.close()
    encoded = re.fullmatch(r"!\[766 group scores\]\(data:image/png;base64,(.+)\)", text)
    png = base64.b64decode(encoded[1])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (540, 261)  # 6 × 2.9 inches at 90 dpi
