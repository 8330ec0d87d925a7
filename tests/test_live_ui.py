"""A monitor's afternoon, against the real webserver and daemon (`danvan ui`, what `make ui`
runs) on one instance, read through the GraphQL API and headless Chromium: `danvan run`'s
history is there when the UI opens; a bad re-delivery of May dropped into the landing folder
is ingested by the sensor, fails its check on May only, the tables and the publish rebuild by
themselves, an alert reaches a local receiver; the asset and check pages show the numbers."""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import STOP_SECONDS, bin_path, dossier_in_month, run_danvan, write_csv
from tests.test_alerts import Webhook

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
QUARANTINE_RATE = "staging_dossiers_quarantine_rate"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class UI:
    def __init__(self, port: int):
        self.port = port

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/graphql",
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            found = json.loads(response.read())
        assert "errors" not in found, found
        return found["data"]

    def wait(self, what: str, probe, seconds: float = 600, explain=lambda: ""):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                found = probe()
            except OSError:
                found = None  # not listening yet
            if found:
                return found
            time.sleep(3)
        raise AssertionError(f"{what}: not seen in {seconds} s {explain()}")

    def page(self, path: str, screenshot: Path) -> str:
        """The page as headless Chromium renders it: a screenshot, and the DOM's text."""
        url = f"http://127.0.0.1:{self.port}{path}"
        common = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1600,1300",
            "--virtual-time-budget=30000",
        ]
        subprocess.run(
            [*common, f"--screenshot={screenshot}", url],
            capture_output=True,
            timeout=180,
            check=True,
        )
        dom = subprocess.run(
            [*common, "--dump-dom", url], capture_output=True, text=True, timeout=180, check=True
        )
        return dom.stdout


def _check_statuses(ui: UI) -> dict:
    data = ui.graphql(
        """{ assetNodeOrError(assetKey: {path: ["staging_dossiers"]}) { ... on AssetNode {
        assetChecksOrError { ... on AssetChecks { checks { name partitionStatuses {
          ... on AssetCheckDefaultPartitionStatuses { succeededPartitions failedPartitions }
        } } } } } } }"""
    )
    checks = data["assetNodeOrError"]["assetChecksOrError"]["checks"]
    return {c["name"]: c["partitionStatuses"] for c in checks}


ALL_RUNS = """{ runsOrError { ... on Runs { results {
    runId status jobName startTime endTime updateTime } } } }"""


def _runs(ui: UI, tag: dict) -> list[dict]:
    data = ui.graphql(
        """query($tags: [ExecutionTag!]) { runsOrError(filter: {tags: $tags}) {
        ... on Runs { results { runId status startTime assetSelection { path } } } } }""",
        {"tags": [tag]},
    )
    return data["runsOrError"]["results"]


def _latest_run_of(ui: UI, asset: str) -> str | None:
    data = ui.graphql(
        """query($path: [String!]!) { assetNodeOrError(assetKey: {path: $path}) {
        ... on AssetNode { assetMaterializations(limit: 1) { runId } } } }""",
        {"path": [asset]},
    )
    found = data["assetNodeOrError"]["assetMaterializations"]
    return found[0]["runId"] if found else None


def _ticks(ui: UI, sensor: str) -> list[dict]:
    """A sensor's last ticks, newest first: what it did and why (for a failed wait)."""
    (location,) = ui.graphql(
        """{ repositoriesOrError { ... on RepositoryConnection { nodes { sensors { name
        sensorState { ticks(limit: 10) { status timestamp skipReason cursor
        error { message } } } } } } } }"""
    )["repositoriesOrError"]["nodes"]
    return next(s for s in location["sensors"] if s["name"] == sensor)["sensorState"]["ticks"]


def _ticked(ui: UI, sensor: str) -> bool:
    (location,) = ui.graphql(
        """{ repositoriesOrError { ... on RepositoryConnection { nodes {
        sensors { name sensorState { ticks(limit: 1) { status } } } } } } }"""
    )["repositoriesOrError"]["nodes"]
    ticks = next(s for s in location["sensors"] if s["name"] == sensor)["sensorState"]["ticks"]
    return any(t["status"] in ("SUCCESS", "SKIPPED") for t in ticks)


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (.ci/run installs it)")
def test_a_monitor_sees_a_bad_redelivery_per_partition_and_is_alerted(tmp_path):
    from pipelines.generate import generate

    landing, data, home = tmp_path / "landing", tmp_path / "data", tmp_path / "home"
    generate(landing, scale=0.01)
    hook = Webhook()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DANVAN_LANDING_DIR": str(landing),
        "DANVAN_DATA_DIR": str(data),
        "DANVAN_ALERT_WEBHOOK": hook.url,
    }
    home.mkdir()
    shutil.copyfile(Path(__file__).parents[1] / ".dagster/dagster.yaml", home / "dagster.yaml")
    loaded = run_danvan(landing, data, env=env, timeout=900)
    assert "published:" in loaded.stdout, loaded.stdout[-3000:]
    port = _free_port()
    ui = UI(port)
    # its output to a file: a pipe nobody reads until the end fills up after 64 KiB of log
    # lines, and then the daemon blocks on its next line (its sensors stop ticking)
    log = tmp_path / "ui.log"
    server = subprocess.Popen(
        [bin_path("danvan"), "ui", "--port", str(port)],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        # `danvan run`'s history is in the instance the UI opens
        ui.wait("the UI", lambda: ui.graphql("{ version }"), 300)
        assert _latest_run_of(ui, "fact_dossier") is not None
        (location,) = ui.graphql(
            """{ repositoriesOrError { ... on RepositoryConnection { nodes {
            sensors { name sensorState { status } }
            schedules { name scheduleState { status } } } } } }"""
        )["repositoriesOrError"]["nodes"]
        running = {s["name"]: s["sensorState"]["status"] for s in location["sensors"]}
        running |= {s["name"]: s["scheduleState"]["status"] for s in location["schedules"]}
        on_by_default = ("landing_sensor", "automation", "alerts", "nightly_refresh")
        assert {name: running[name] for name in on_by_default} == dict.fromkeys(
            on_by_default, "RUNNING"
        )
        before = _latest_run_of(ui, "fact_dossier")
        # the alert sensor's first tick: it alerts from then on (a fixed wait is not enough on
        # a loaded machine, where the daemon's first evaluation comes later)
        ui.wait("the alert sensor's first tick", lambda: _ticked(ui, "alerts"), 300)

        # a bad re-delivery of May: 60 of its 100 rows have a date that does not exist
        rows = [dossier_in_month(f"R05-{i}", "05") for i in range(40)]
        rows += [
            dossier_in_month(f"X05-{i}", "05", received_at="31/02/2024 08:00") for i in range(60)
        ]
        bad = write_csv(landing / "dossiers/ho_so_2024-05__20250301080000.csv", rows)
        past = time.time() - 120
        os.utime(bad, (past, past))

        statuses = ui.wait(
            "May's failed check",
            lambda: (
                (s := _check_statuses(ui))
                and s[QUARANTINE_RATE]["failedPartitions"] == ["2024-05"]
                and s
            ),
        )
        # the other periods stay green
        assert len(statuses[QUARANTINE_RATE]["succeededPartitions"]) == 13
        assert statuses["staging_dossiers_redelivery"]["failedPartitions"] == ["2024-05"]
        assert statuses["staging_dossiers_readable"]["failedPartitions"] == []
        # the tables and the publish rebuild by themselves
        rebuilt = ui.wait(
            "an automation run",
            lambda: [
                r
                for r in _runs(ui, {"key": "dagster/sensor_name", "value": "automation"})
                if r["status"] == "SUCCESS"
                and {"fact_dossier", "reporting_db"} <= {a["path"][0] for a in r["assetSelection"]}
            ],
        )
        assert _latest_run_of(ui, "fact_dossier") == rebuilt[0]["runId"] != before
        # an alert reached the local receiver
        alerts = ui.wait(
            "the alert",
            lambda: [a for a in hook.received if a.get("partition") == "2024-05"],
            explain=lambda: (
                f"received {hook.received}; the sensor's ticks {_ticks(ui, 'alerts')}"
                f"; runs {ui.graphql(ALL_RUNS)['runsOrError']['results']}"
            ),
        )
        assert {a["check"] for a in alerts} >= {QUARANTINE_RATE, "staging_dossiers_redelivery"}
        assert any(a["kind"] == "run_failed" for a in hook.received)

        # the pages show the numbers, not behind [Show JSON]
        shots = Path(os.environ.get("DANVAN_SCREENSHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        check_page = ui.page(
            f"/assets/staging_dossiers?view=checks&checkDetail={QUARANTINE_RATE}",
            shots / "check_quarantine_rate.png",
        )
        assert "60 of 100 rows quarantined (60.0%, above 50%)" in check_page
        assert "quarantine_rate" in check_page and "0.6" in check_page
        asset_page = ui.page(
            "/assets/staging_dossiers?view=partitions&partition=2024-05",
            shots / "asset_staging_dossiers_2024-05.png",
        )
        assert "rows_quarantined" in asset_page and "quarantine_rate" in asset_page
        assert (shots / "check_quarantine_rate.png").stat().st_size > 10_000
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C, as a terminal sends it
        server.wait(timeout=STOP_SECONDS)
        output = log.read_text(encoding="utf-8", errors="replace")
        hook.close()
    assert server.returncode == 0, output[-3000:]
    assert "the Dagster UI has stopped" in output
