"""The national roll-up through the run queue, measured (docs/scale-out.md):

    python -m pipelines.national_bench --provinces 4 --scale 1 --max-runs 1 2 --out DIR

One province's year of sample dossiers (`danvan generate`) is laid out as the dossier exports
of N provinces (hard links: the same files under N province codes); then, for each value of
--max-runs, a throwaway PostgreSQL server and the deploy/ services with the national code
location start, one backfill of `national_staging_dossiers` over N provinces × 12 months is
launched through GraphQL as from the UI, and its runs go through the run queue with at most W
at once; then the one-writer roll-up. Measured: the backfill's wall time and each run's, the
rows staged, the roll-up's time. Writes national.json and national.md under --out; the
generated files and data folders go afterwards unless --keep-files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb

from assets.national import ROLLUP, check_names, national_key
from pipelines.bench import environment
from pipelines.deployment import SELECTOR, Deployment, wait_for
from pipelines.postgres import throwaway_postgres
from warehouse.national import LANDING_SETTING, NationalFolders, province_codes

LOCATION = "danvan_national"
WORKSPACE = f"""load_from:
  - python_module:
      module_name: pipelines.national_definitions
      location_name: {LOCATION}
"""
BACKFILL = """mutation($p: LaunchBackfillParams!) { launchPartitionBackfill(backfillParams: $p) {
  __typename ... on LaunchBackfillSuccess { backfillId } ... on PythonError { message } } }"""
BACKFILL_STATUS = """query($id: String!) { partitionBackfillOrError(backfillId: $id) {
  ... on PartitionBackfill { status } } }"""
LAUNCH = """mutation($p: ExecutionParams!) { launchRun(executionParams: $p) { __typename
  ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
DONE = {"COMPLETED", "COMPLETED_SUCCESS", "COMPLETED_FAILED", "FAILED", "CANCELED"}


def lay_out(one_province: Path, landing: Path, codes: list[str]) -> int:
    """The dossier files of one province's landing folder as those of each of `codes`."""
    files = sorted((one_province / "dossiers").glob("*"))
    for code in codes:
        target = landing / code / "dossiers"
        target.mkdir(parents=True, exist_ok=True)
        for path in files:
            os.link(path, target / path.name)
    return len(files) * len(codes)


def _limits(max_runs: int):
    def configure(config: dict) -> None:
        runs = config["concurrency"]["runs"]
        runs["max_concurrent_runs"] = max_runs
        for limit in runs["tag_concurrency_limits"]:
            if limit["key"] == "dagster/backfill":
                limit["limit"] = max_runs

    return configure


def national_run(
    landing: Path, root: Path, codes: list[str], months: list[str], max_runs: int
) -> dict:
    """One backfill of every province × month through the queue, then the roll-up."""
    root.mkdir(parents=True)
    workspace = root / "workspace.yaml"
    workspace.write_text(WORKSPACE, encoding="utf-8")
    with throwaway_postgres() as server:
        deployment = Deployment(
            root,
            server,
            workspace=workspace,
            configure=_limits(max_runs),
            extra_env={LANDING_SETTING: str(landing)},
        )
        saved: dict[str, str | None] = {}
        try:
            deployment.start("danvan-daemon")
            deployment.start("danvan-webserver")
            deployment.wait_for_webserver()
            # the instance of the deployment for this process, for as long as it runs: the
            # caller's environment (a test session's DAGSTER_HOME, say) is given back after
            saved.update({key: os.environ.get(key) for key in deployment.env})
            os.environ.update(deployment.env)
            instance = dg.DagsterInstance.get()
            backfill = _backfill(deployment, instance, codes, months)
            rollup = _rollup(deployment, instance)
        finally:
            deployment.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    folders = NationalFolders(landing, deployment.data)
    staged = duckdb.sql(
        f"select count(*) from read_parquet('{folders.staging_glob('dossiers')}')"
    ).fetchall()[0][0]
    size = sum(p.stat().st_size for p in folders.root.glob("province=*/staging/dossiers/*"))
    return {
        "max_runs": max_runs,
        **backfill,
        "rows_staged": staged,
        "staging_bytes": size,
        "rollup": rollup,
    }


def _backfill(deployment: Deployment, instance, codes: list[str], months: list[str]) -> dict:
    partitions = [f"{month}|{code}" for code in codes for month in months]
    started = time.time()
    answer = deployment.graphql(
        BACKFILL,
        {
            "p": {
                "assetSelection": [{"path": [national_key("dossiers")]}],
                "partitionNames": partitions,
            }
        },
    )["launchPartitionBackfill"]
    if answer["__typename"] != "LaunchBackfillSuccess":
        raise RuntimeError(f"the backfill was refused: {answer}")
    backfill = answer["backfillId"]

    def status() -> str:
        return deployment.graphql(BACKFILL_STATUS, {"id": backfill})["partitionBackfillOrError"][
            "status"
        ]

    wait_for(lambda: status() in DONE, 3600, "the backfill", deployment)
    records = instance.get_run_records(dg.RunsFilter(tags={"dagster/backfill": backfill}))
    runs = sorted(
        (
            {
                "run_id": r.dagster_run.run_id,
                "status": r.dagster_run.status.value,
                "partitions": _described(r.dagster_run.tags),
                # taken from the queue (its process started) → its steps began → it ended
                "launched": _launched(instance, r.dagster_run.run_id),
                "start": r.start_time,
                "end": r.end_time,
                "seconds": round(r.end_time - r.start_time, 1),
            }
            for r in records
        ),
        key=lambda run: run["start"],
    )
    return {
        "backfill": backfill,
        "status": status(),
        "checks": _check_statuses(instance, len(partitions)),
        "partitions": len(partitions),
        "runs": runs,
        # from the click to the last run's end: queueing, launching and the runs themselves
        "wall_seconds": round(max(r["end"] for r in runs) - started, 1),
        "most_at_once": _most_at_once(runs, "launched"),  # let go by the queue together
        "most_executing_at_once": _most_at_once(runs, "start"),
    }


def _check_statuses(instance, partitions: int) -> dict[str, dict[str, int]]:
    """Per check of the staging asset: how many partitions ended in each status."""
    counts: dict[str, dict[str, int]] = {}
    for name in check_names("dossiers").values():
        key = dg.AssetCheckKey(dg.AssetKey(national_key("dossiers")), name)
        history = instance.event_log_storage.get_asset_check_execution_history(
            key, limit=partitions * 2
        )
        for record in history:
            by_status = counts.setdefault(name, {})
            by_status[record.status.value] = by_status.get(record.status.value, 0) + 1
    return counts


def _described(tags: dict) -> str:
    """A run's partitions: 'province 68, 2024-01 … 2024-12' or '2024-03, provinces 01 … 14'."""
    if "dagster/partition" in tags:
        month, province = tags["dagster/partition"].split("|")
        return f"province {province}, {month}"
    first_month, first = tags["dagster/asset_partition_range_start"].split("|")
    last_month, last = tags["dagster/asset_partition_range_end"].split("|")
    if first == last:
        return f"province {first}, {first_month} … {last_month}"
    return f"{first_month} … {last_month}, provinces {first} … {last}"


def _launched(instance, run_id: str) -> float:
    starting = instance.all_logs(run_id, of_type=dg.DagsterEventType.RUN_STARTING)
    return starting[0].timestamp


def _most_at_once(runs: list[dict], since: str) -> int:
    """The most runs in flight at one time, from `since` to their end."""
    edges = sorted([(r[since], 1) for r in runs] + [(r["end"], -1) for r in runs])
    running = most = 0
    for _, step in edges:
        running += step
        most = max(most, running)
    return most


def _rollup(deployment: Deployment, instance) -> dict:
    selector = {
        **SELECTOR,
        "repositoryLocationName": LOCATION,
        "jobName": "__ASSET_JOB",
        "assetSelection": [{"path": [ROLLUP]}],
    }
    answer = deployment.graphql(LAUNCH, {"p": {"selector": selector}})["launchRun"]
    if answer["__typename"] != "LaunchRunSuccess":
        raise RuntimeError(f"the roll-up was refused: {answer}")
    run_id = answer["run"]["runId"]
    wait_for(
        lambda: (r := instance.get_run_by_id(run_id)) is not None and r.is_finished,
        1800,
        "the roll-up",
        deployment,
    )
    record = instance.get_run_record_by_id(run_id)
    step = instance.fetch_materializations(dg.AssetKey(ROLLUP), limit=1).records
    metadata = step[0].asset_materialization.metadata if step else {}
    return {
        "run_id": run_id,
        "status": record.dagster_run.status.value,
        "run_seconds": round(record.end_time - record.start_time, 1),
        "step_seconds": metadata["seconds"].value if "seconds" in metadata else None,
        "rows": metadata["dagster/row_count"].value if "dagster/row_count" in metadata else None,
    }


def markdown(report: dict) -> str:
    lines = [
        f"# National roll-up through the run queue ({report['provinces']} provinces × "
        f"{len(report['months'])} months)",
        "",
        f"`{report['command']}`",
        "",
        f"{report['results'][0]['rows_staged'] // report['provinces']:,} dossier rows staged "
        f"per province ({report['files'] // report['provinces']} files, the generated year "
        f"with its defects and re-deliveries); machine: {report['environment']['cores']} cores, "
        f"{report['environment']['memory_gib']} GiB; commit {report['environment']['commit']}.",
        "",
        "| runs at once (max) | runs | most launched / executing at once | backfill wall s | "
        "rows staged | rows/s | roll-up step s | load average before → after |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        lines.append(
            f"| {r['max_runs']} | {len(r['runs'])} | {r['most_at_once']} / "
            f"{r['most_executing_at_once']} | {r['wall_seconds']} | "
            f"{r['rows_staged']:,} | {r['rows_staged'] / r['wall_seconds']:,.0f} | "
            f"{r['rollup']['step_seconds']} | {r['load_average'][0]} → {r['load_average'][1]} |"
        )
    for r in report["results"]:
        lines += ["", f"Runs with at most {r['max_runs']} at once:", ""]
        first = min(x["launched"] for x in r["runs"])
        lines += [
            "| partitions | status | launched at s | steps from s | ended at s | run seconds |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {x['partitions']} | {x['status']} | {x['launched'] - first:.1f} | "
            f"{x['start'] - first:.1f} | {x['end'] - first:.1f} | {x['seconds']} |"
            for x in r["runs"]
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.national_bench")
    parser.add_argument("--provinces", type=int, default=4)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--max-runs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--out", type=Path, default=Path("data/national_bench"))
    parser.add_argument("--keep-files", action="store_true")
    args = parser.parse_args(argv)
    from pipelines.generate import generate

    codes = province_codes()[: args.provinces]
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    out = args.out.resolve()
    shutil.rmtree(out / "work", ignore_errors=True)
    work = out / "work"
    print(f"generating one province's 2024 at scale {args.scale} …", flush=True)
    generate(work / "one", scale=args.scale)
    files = lay_out(work / "one", work / "national_landing", codes)
    os.environ.setdefault("DANVAN_PII_KEY", "national-bench-key")
    report = {
        "command": "python -m pipelines.national_bench " + " ".join(argv or sys.argv[1:]),
        "provinces": len(codes),
        "codes": codes,
        "months": months,
        "files": files,
        "environment": environment(),
        "results": [],
    }
    try:
        for max_runs in args.max_runs:
            print(f"backfill with at most {max_runs} run(s) at once …", flush=True)
            load_before = os.getloadavg()[0]
            result = national_run(
                work / "national_landing", work / f"runs{max_runs}", codes, months, max_runs
            )
            # the machine is shared: how busy it was says how far the figures can be trusted
            result["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
            report["results"].append(result)
            print(
                f"  {len(result['runs'])} runs, {result['wall_seconds']} s, "
                f"{result['rows_staged']:,} rows staged; roll-up "
                f"{result['rollup']['step_seconds']} s",
                flush=True,
            )
    finally:
        if not args.keep_files:
            shutil.rmtree(work, ignore_errors=True)
    (out / "national.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    (out / "national.md").write_text(markdown(report), encoding="utf-8")
    print((out / "national.md").read_text(encoding="utf-8"))
    return (
        0
        if all(r["status"] in {"COMPLETED", "COMPLETED_SUCCESS"} for r in report["results"])
        else 1
    )


if __name__ == "__main__":
    sys.exit(main())
