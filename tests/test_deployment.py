"""The production deployment (deploy/, docs/operations.md) against a real PostgreSQL server the
test starts itself: the sensor's ticks and the runs it launches, the checks and the publish
recorded in that database, two runs launched at once building one after the other, and a
webserver on it answering GraphQL with the same history."""

import os
import time

import dagster as dg
import pytest

from assets.definitions import defs
from pipelines.deployment import (
    DEPLOY,
    INSTALLED,
    SELECTOR,
    Deployment,
    env_file_variables,
    here,
    instance_variables,
    unit,
    unit_command,
    wait_for,
)
from pipelines.postgres import throwaway_postgres
from tests.helpers import dossier_in_month, procedure, require_postgres, write_csv

# every step in the pool `build_duckdb` (each table, the publish)
GRAPH = defs().resolve_asset_graph()
POOL_STEPS = {
    key.to_user_string()
    for key in GRAPH.get_all_asset_keys()
    if "build_duckdb" in (GRAPH.get(key).pools or ())
}


def test_the_build_pool_holds_every_table_and_the_publish():
    assert len(POOL_STEPS) > 20 and "reporting_db" in POOL_STEPS and "fact_dossier" in POOL_STEPS


def test_the_deployment_files_agree_with_each_other():
    variables = env_file_variables()
    # everything the instance reads, the pipeline needs and the services share is in the file
    assert instance_variables() <= set(variables)
    assert {"DAGSTER_HOME", "DANVAN_LANDING_DIR", "DANVAN_DATA_DIR", "DANVAN_PII_KEY"} <= set(
        variables
    )
    # and no secret is: the key and the password are left empty in the repository
    assert variables["DANVAN_PII_KEY"] == "" and variables["DAGSTER_PG_PASSWORD"] == ""
    for name in ("danvan-webserver", "danvan-daemon"):
        service = unit(name)
        assert service["User"] == service["Group"] == "danvan"
        assert service["EnvironmentFile"] == "/etc/danvan/danvan.env"
        command = unit_command(name)
        assert os.access(command[0], os.X_OK), command[0]  # the venv's own console script
        workspace = command[command.index("--workspace") + 1]
        assert workspace == here(f"{INSTALLED}/deploy/workspace.yaml")
    assert "--host 127.0.0.1" in unit("danvan-webserver")["ExecStart"]  # never on all interfaces
    admin = (DEPLOY / "danvan-admin").read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/danvan/danvan.env" in admin and "--uid=danvan" in admin


def _landing(deployment: Deployment) -> None:
    """Two months of dossiers and a catalogue snapshot, old enough for the sensor."""
    for month in ("01", "02"):
        write_csv(
            deployment.landing / f"dossiers/ho_so_2024-{month}.csv",
            [dossier_in_month(f"H{month}{n}", month) for n in range(3)],
        )
    from schemas.procedures import SPEC as PROCEDURES

    write_csv(
        deployment.landing / "procedures/danh_muc_tthc_2024-01-02.csv", [procedure()], PROCEDURES
    )
    past = time.time() - 600
    for path in deployment.landing.rglob("*.csv"):
        os.utime(path, (past, past))


def _instance(deployment: Deployment, monkeypatch) -> dg.DagsterInstance:
    """The same instance from this process: the same dagster.yaml and database."""
    for key, value in deployment.env.items():
        monkeypatch.setenv(key, value)
    return dg.DagsterInstance.get()


def _finished(instance: dg.DagsterInstance, run_ids) -> bool:
    runs = [instance.get_run_by_id(r) for r in run_ids]
    return all(r is not None and r.is_finished for r in runs)


def _step_intervals(instance: dg.DagsterInstance, run_id: str) -> dict[str, tuple[float, float]]:
    """Start and end of each pool step of a run, from the events it recorded."""
    started, ended = {}, {}
    kinds = {
        dg.DagsterEventType.STEP_START,
        dg.DagsterEventType.STEP_SUCCESS,
        dg.DagsterEventType.STEP_FAILURE,
    }
    for event in instance.all_logs(run_id, of_type=kinds):
        if event.step_key in POOL_STEPS:
            kind = event.dagster_event.event_type
            target = started if kind == dg.DagsterEventType.STEP_START else ended
            target[event.step_key] = event.timestamp
    return {step: (started[step], ended[step]) for step in started}


def _sql(server, query: str, *params) -> list[tuple]:
    with server.connect() as connection, connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


RUNS = "{ runsOrError(limit: 100) { ... on Runs { results { runId status jobName } } } }"
SENSOR = """query($s: SensorSelector!) { sensorOrError(sensorSelector: $s) { __typename
  ... on Sensor { sensorState { status ticks(limit: 50) { status runIds } } } } }"""
SCHEDULE = """query($s: ScheduleSelector!) { scheduleOrError(scheduleSelector: $s) { __typename
  ... on Schedule { scheduleState { status } } } }"""
CHECKS = """query($k: AssetKeyInput!, $c: String!) {
  assetCheckExecutions(assetKey: $k, checkName: $c, limit: 50) { runId status } }"""
MATERIALISATIONS = """query($k: AssetKeyInput!) { assetNodeOrError(assetKey: $k) {
  ... on AssetNode { assetMaterializations(limit: 50) { runId partition } } } }"""
LAUNCH = """mutation($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename
  ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""


@pytest.mark.slow
def test_the_production_deployment_on_postgresql(tmp_path, monkeypatch):
    require_postgres()
    with throwaway_postgres() as server:
        deployment = Deployment(tmp_path, server)
        _landing(deployment)
        try:
            _first_start(deployment)
            instance = _instance(deployment, monkeypatch)
            launched = _sensor_runs_succeed(deployment, instance)
            first, second = _two_refreshes_at_once(deployment, instance)
            _recorded_in_postgresql(server, instance, launched, [first, second])
            _the_webserver_answers_with_the_same_history(
                deployment, server, launched, [first, second]
            )
        finally:
            deployment.stop()


def _first_start(deployment: Deployment) -> None:
    """docs/operations.md, first start: migrate (nothing to do on a new database), the two
    services, the sensor and the schedule turned on and the pool's limit set, from the
    command line."""
    deployment.admin("dagster", "instance", "migrate")
    deployment.start("danvan-daemon")
    deployment.start("danvan-webserver")
    deployment.admin("dagster", "sensor", "start", "landing_sensor")
    deployment.admin("dagster", "schedule", "start", "nightly_refresh")
    deployment.admin("dagster", "instance", "concurrency", "set", "build_duckdb", "1")
    deployment.wait_for_webserver()


def _sensor_runs_succeed(deployment: Deployment, instance: dg.DagsterInstance) -> set[str]:
    """The sensor's second tick (60 s after its first) launches one run per partition."""
    by_sensor = dg.RunsFilter(tags={"dagster/sensor_name": "landing_sensor"})
    wait_for(lambda: len(instance.get_runs(by_sensor)) == 3, 240, "the sensor's 3 runs", deployment)
    launched = {r.run_id for r in instance.get_runs(by_sensor)}
    wait_for(lambda: _finished(instance, launched), 300, "the ingest runs", deployment)
    runs = instance.get_runs(by_sensor)
    assert {r.status for r in runs} == {dg.DagsterRunStatus.SUCCESS}, deployment.logs()
    assert {r.tags["dagster/partition"] for r in runs} == {"2024-01", "2024-02", "2024-01-02"}
    return launched


def _two_refreshes_at_once(deployment: Deployment, instance: dg.DagsterInstance):
    """Two refresh runs launched at once (two people clicking "Materialize all"): both succeed,
    one after the other — the second waits in the queue while the first holds the pool
    `build_duckdb` (a file lock alone would let both start and one wait inside)."""
    job = {**SELECTOR, "jobName": "refresh_warehouse"}
    answers = [deployment.graphql(LAUNCH, {"p": {"selector": job}}) for _ in range(2)]
    run_ids = [answer["launchRun"]["run"]["runId"] for answer in answers]
    wait_for(lambda: _finished(instance, run_ids), 600, "the refresh runs", deployment)
    records = sorted(
        (instance.get_run_record_by_id(r) for r in run_ids), key=lambda r: r.start_time
    )
    statuses = [r.dagster_run.status for r in records]
    assert statuses == [dg.DagsterRunStatus.SUCCESS] * 2, deployment.logs()
    first, second = records
    assert second.create_timestamp.timestamp() < first.end_time  # queued while the first ran
    assert first.end_time <= second.start_time  # and started once it had ended
    steps = [_step_intervals(instance, r.dagster_run.run_id) for r in records]
    assert set(steps[0]) == set(steps[1]) == POOL_STEPS
    return first.dagster_run.run_id, second.dagster_run.run_id


def _recorded_in_postgresql(server, instance, launched: set[str], refreshes: list[str]) -> None:
    """Runs, sensor ticks, check results, the publish and the pool are rows of that database."""
    by_sensor = _sql(
        server,
        "select run_id from run_tags where key = 'dagster/sensor_name' and value = %s",
        "landing_sensor",
    )
    assert {run for (run,) in by_sensor} == launched
    statuses = dict(_sql(server, "select run_id, status from runs"))
    assert {statuses[run] for run in [*launched, *refreshes]} == {"SUCCESS"}
    ticks = _sql(
        server, "select status from job_ticks where tick_body like %s", '%"landing_sensor"%'
    )
    assert {status for (status,) in ticks} >= {"SKIPPED", "SUCCESS"}
    published = _sql(
        server,
        "select run_id from event_logs where dagster_event_type = 'ASSET_MATERIALIZATION' "
        "and asset_key = %s",
        '["reporting_db"]',
    )
    assert sorted(run for (run,) in published) == sorted(refreshes)
    ingest_checks = _sql(
        server,
        "select run_id, partition, execution_status from asset_check_executions "
        "where check_name = %s and execution_status != 'PLANNED'",
        "staging_dossiers_conservation",
    )
    # one result per ingest run of dossiers (a run launched through the queue also leaves a
    # PLANNED row for its partition while the check, not partitioned, records none)
    assert sorted(status for _, _, status in ingest_checks) == ["SUCCEEDED"] * 2, ingest_checks
    assert {run for run, _, _ in ingest_checks} <= launched
    table_checks = _sql(
        server,
        "select distinct run_id from asset_check_executions where asset_key = %s",
        '["fact_dossier"]',
    )
    # every refresh ran the table's checks; so may a run the automation sensor launched after a
    # publish (the published tables' suites follow each publish)
    by_automation = {
        run
        for (run,) in _sql(
            server,
            "select run_id from run_tags where key = 'dagster/from_automation_condition'",
        )
    }
    assert set(refreshes) <= {run for (run,) in table_checks} <= {*refreshes, *by_automation}
    assert instance.event_log_storage.get_concurrency_info("build_duckdb").slot_count == 1
    assert _sql(server, 'select concurrency_key, "limit" from concurrency_limits') == [
        ("build_duckdb", 1)
    ]


def _the_webserver_answers_with_the_same_history(deployment, server, launched, refreshes):
    runs = deployment.graphql(RUNS)["runsOrError"]["results"]
    assert {(r["runId"], r["status"]) for r in runs} == set(
        _sql(server, "select run_id, status from runs")
    )
    sensor = deployment.graphql(SENSOR, {"s": {**SELECTOR, "sensorName": "landing_sensor"}})
    state = sensor["sensorOrError"]["sensorState"]
    assert state["status"] == "RUNNING"
    assert {run for tick in state["ticks"] for run in tick["runIds"]} == launched
    schedule = deployment.graphql(SCHEDULE, {"s": {**SELECTOR, "scheduleName": "nightly_refresh"}})
    assert schedule["scheduleOrError"]["scheduleState"]["status"] == "RUNNING"
    check = next(
        iter(
            _sql(
                server,
                "select check_name from asset_check_executions where asset_key = %s limit 1",
                '["fact_dossier"]',
            )
        )
    )[0]
    executions = deployment.graphql(CHECKS, {"k": {"path": ["fact_dossier"]}, "c": check})
    assert sorted(e["runId"] for e in executions["assetCheckExecutions"]) == sorted(
        run
        for (run,) in _sql(
            server,
            "select run_id from asset_check_executions where asset_key = %s and check_name = %s",
            '["fact_dossier"]',
            check,
        )
    )
    publishes = deployment.graphql(MATERIALISATIONS, {"k": {"path": ["reporting_db"]}})
    assert sorted(m["runId"] for m in publishes["assetNodeOrError"]["assetMaterializations"]) == (
        sorted(refreshes)
    )
