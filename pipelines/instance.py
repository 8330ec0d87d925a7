"""The project's Dagster instance: `DAGSTER_HOME` when set, else `.dagster` in the current
folder — the one `make ui` opens — so that what `danvan run` and `danvan demo` did (runs, check
results, materialisations) is there when the UI starts."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import dagster as dg
from dagster._core.instance.ref import InstanceRef

PROJECT_HOME = ".dagster"
SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / PROJECT_HOME / "dagster.yaml"


def home() -> Path:
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_HOME).resolve()


def project_instance() -> dg.DagsterInstance:
    """The instance at `home()`. A `.dagster` made here (outside the project's folder) gets
    the project's instance configuration (telemetry off, the build pool); a DAGSTER_HOME of
    the user's is used as it is."""
    path = home()
    path.mkdir(parents=True, exist_ok=True)
    # one process at a time makes a new instance's databases (two runs started together on a
    # new instance would both create the same tables, and one would fail)
    with (path / ".danvan.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        config = path / "dagster.yaml"
        if not os.environ.get("DAGSTER_HOME") and not config.exists() and SHIPPED_CONFIG.exists():
            shutil.copyfile(SHIPPED_CONFIG, config)
        instance = dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(path)))
        # the run, event and partition storages made now, under the lock
        instance.get_runs(limit=1)
        instance.event_log_storage.get_concurrency_keys()
        instance.get_dynamic_partitions("dossiers_periods")
        return instance
