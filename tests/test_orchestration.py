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
import psutil
import pytest
from dagster._core.instance.ref import InstanceRef

from assets.charts import index_chart
from assets.definitions import ALL_ASSETS, defs
from assets.resources import DanvanResource
from assets.schedules import nightly_refresh
from assets.sensors import landing_sensor
from tests.helpers import (
    STOP_SECONDS,
    bin_path,
    dossier,
    dossier_in_month,
    procedure,
    run_command,
    write_csv,
)
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
        handle.write("H2,1.001612,H36.60.02,60,Tỉnh,2,05/01/2024 08:00,10/01/2024 17:00,,4,,,\n")
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
        "procedures_periods",
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
    landing, data, home = tmp_path / "landing", tmp_path / "data", tmp_path / "home"
    for month in ("01", "02", "03"):
        write_csv(
            landing / f"dossiers/ho_so_2024-{month}.csv",
            [dossier_in_month(f"H{month}", month)],
        )
    # the periods are partitions once the sensor (or `danvan run`) has seen their files
    home.mkdir()
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        instance.add_dynamic_partitions("dossiers_periods", ["2024-01", "2024-02", "2024-03"])
    env = {
        **os.environ,
        "DANVAN_LANDING_DIR": str(landing),
        "DANVAN_DATA_DIR": str(data),
        "DAGSTER_HOME": str(home),
    }
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
    # its steps ran in the run's process, not each in a process of its own (see the next test):
    # read from the run's event log, which does not depend on what reached the captured stderr
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        (run,) = instance.get_runs()
        events = {e.dagster_event.event_type_value for e in instance.all_logs(run.run_id)
                  if e.dagster_event}  # fmt: skip
    assert "STEP_SUCCESS" in events and "STEP_WORKER_STARTING" not in events


def test_runs_launched_by_dagster_run_their_steps_in_the_run_process():
    # as `danvan run` does: a process per step would load the definitions again each time
    assert defs().resolve_job_def("refresh_warehouse").executor_def.name == "in_process"
    assert defs().resolve_implicit_global_asset_job_def().executor_def.name == "in_process"


@pytest.mark.slow
def test_two_runs_at_once_both_succeed(tmp_path):
    from pipelines.generate import generate

    generate(tmp_path / "landing", scale=0.01)
    command = run_command(tmp_path / "landing", tmp_path / "data")
    # outputs to files: waiting on one run's pipe would leave the other's unread, and a run
    # blocked on a full pipe holds the build lock the first one waits for
    logs = [tmp_path / f"run{i}.log" for i in range(2)]
    runs = [
        subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT) for log in logs
    ]
    for run in runs:
        run.wait(timeout=600)
    outputs = [log.read_text(encoding="utf-8", errors="replace") for log in logs]
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


def test_the_sensor_cursor_holds_only_what_is_not_yet_ingested(tmp_path):
    from tests.helpers import ingest

    landing = Landing(tmp_path)
    path = write_csv(landing.root / "dossiers/ho_so_2024-01.csv", [dossier()])
    _age(path, 120)
    first = landing.tick()
    (waiting,) = first.asset_events  # told where a monitor looks, not only in the tick log
    assert waiting.asset_key == dg.AssetKey("staging_dossiers")
    assert "ho_so_2024-01.csv: waiting until it stops changing" in waiting.metadata["warning"].value
    assert landing.requested(landing.tick()) == [("staging_dossiers", "2024-01")]
    assert list(json.loads(landing.cursor)["files"]) == ["dossiers/ho_so_2024-01.csv"]
    ingest(landing.root, tmp_path / "data", "dossiers", "2024-01")  # the launched run
    assert landing.requested(landing.tick()) == []
    assert json.loads(landing.cursor) == {
        "files": {},  # the audit records it as it is: nothing left to remember
        "warned": [],
        "inventory": json.loads(landing.cursor)["inventory"],
    }
    # a file that fits no source is warned about once, and forgotten once it is gone
    stray = landing.root / "dossiers/notes.txt"
    stray.write_text("x")
    (warning,) = landing.tick().asset_events
    assert warning.asset_key == dg.AssetKey("landing_inventory")
    assert "notes.txt" in warning.metadata["warning"].value
    assert landing.tick().asset_events == []
    stray.unlink()
    landing.tick()
    assert json.loads(landing.cursor)["warned"] == []


def test_the_sensor_leaves_a_period_that_has_not_begun_and_says_so(tmp_path):
    landing = Landing(tmp_path)
    path = write_csv(landing.root / "dossiers/ho_so_2099-01.csv", [dossier()])
    _age(path, 120)
    (warning,) = landing.tick().asset_events
    assert "period 2099-01 has not begun yet" in warning.metadata["warning"].value
    assert landing.requested(landing.tick()) == []


def test_the_sensor_makes_staged_periods_partitions(tmp_path):
    # an instance that has not seen them (a new instance, an upgrade): the periods staged in
    # the data folder become partitions again
    from tests.helpers import ingest

    landing = Landing(tmp_path)
    path = write_csv(landing.root / "dossiers/ho_so_2024-03.csv", [dossier_in_month("H", "03")])
    ingest(landing.root, tmp_path / "data", "dossiers", "2024-03")
    path.unlink()  # archived out of the landing folder
    result = landing.tick()
    (added,) = result.dynamic_partitions_requests
    assert (added.partitions_def_name, list(added.partition_keys)) == (
        "dossiers_periods",
        ["2024-03"],
    )


def _dispositions(interrupts_ignored: bool) -> None:
    """What a terminal gives `make ui` (both signals at their default), or a script's `make ui &`
    without job control (interrupts ignored) — whatever the test runner itself was given: a
    runner started in the background has interrupts ignored, and Dagster's in-process runs then
    map SIGTERM to the same, which `make` would keep."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN if interrupts_ignored else signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _processes_of(pid: int) -> list:
    return psutil.Process(pid).children(recursive=True)


def _alive(processes) -> list[int]:
    return [p.pid for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm with interrupts ignored"])
def test_make_ui_stops_cleanly(tmp_path, how):
    """Ctrl-C in the terminal (SIGINT to the foreground group: make and everything it started)
    stops the webserver, the daemon and the code servers, with no traceback; so does SIGTERM
    when `make ui &` was started by a script, with interrupts ignored."""
    import signal

    port = _free_port()
    ignored = how.startswith("sigterm")
    server = subprocess.Popen(
        ["make", "ui", f"UI_PORT={port}", f"INSTANCE_HOME={tmp_path / 'home'}"],
        cwd=ROOT,
        env={**os.environ, "DANVAN_DATA_DIR": str(tmp_path / "data")},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: _dispositions(ignored),
    )
    try:
        _wait_for_assets(port)
        started = _processes_of(server.pid)
        assert len(started) >= 4  # danvan ui, dg dev, the webserver, the daemon, code servers
        if ignored:
            server.send_signal(signal.SIGTERM)
        else:
            os.killpg(server.pid, signal.SIGINT)
        try:
            output = server.communicate(timeout=STOP_SECONDS)[0]
        except subprocess.TimeoutExpired as slow:
            left = [" ".join(p.cmdline()[:4]) for p in _processes_of(server.pid)]
            tail = (slow.output or b"")[-3000:]
            raise AssertionError(f"still running: {left}; output: {tail!r}") from None
    finally:
        if server.poll() is None:  # and what it started in sessions of their own
            for process in [*_processes_of(server.pid), psutil.Process(server.pid)]:
                process.kill()
    assert "Dagster services shut down" in output and "the Dagster UI has stopped" in output
    assert "Traceback" not in output, output[-3000:]
    deadline = time.time() + 60  # code servers stop on their heartbeat
    while _alive(started) and time.time() < deadline:
        time.sleep(1)
    assert _alive(started) == []


@pytest.mark.slow
def test_the_ui_stops_when_danvan_ui_is_killed(tmp_path):
    """`kill -9` of `danvan ui` (an out-of-memory kill, a supervisor giving up) stops `dg dev`,
    the webserver, the daemon and the code servers too: they run in a session of their own."""
    import shutil
    import signal

    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(ROOT / ".dagster/dagster.yaml", home / "dagster.yaml")
    port = _free_port()
    server = subprocess.Popen(
        [bin_path("danvan"), "ui", "--port", str(port)],
        env={**os.environ, "DAGSTER_HOME": str(home), "DANVAN_DATA_DIR": str(tmp_path / "data")},
        stdout=(tmp_path / "ui.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    started = []
    try:
        _wait_for_assets(port)
        started = _processes_of(server.pid)
        assert len(started) >= 4  # dg dev, the webserver, the daemon, code servers
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        deadline = time.time() + STOP_SECONDS
        while _alive(started) and time.time() < deadline:
            time.sleep(1)
        assert _alive(started) == []
    finally:
        for process in started:
            if process.is_running():
                process.kill()
