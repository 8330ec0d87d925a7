"""A measurement for docs/performance.md: what building and publishing cost in DuckDB's v1.0.0
storage format (the one every DuckDB 1.x reads, warehouse/readers.py) against DuckDB 2's own
newest format. Builds every table from the staging of an existing data folder (after a
`danvan run`) into a new folder, once per format, then publishes twice (the first publish
validates every GX suite; the second finds them unchanged); prints wall and CPU seconds and the
published file's size.

    .venv/bin/python docs/experiments/storage_format.py DATA_DIR OUT_DIR [--repeat N]
        [--versions v1.0.0 v1.4.0 latest]

Not part of the pipeline; kept so the figure can be measured again.
"""

import argparse
import shutil
import time
from pathlib import Path

from warehouse import readers
from warehouse.build import Warehouse
from warehouse.paths import DataPaths
from warehouse.tables import build_all


def _timed(what: str, work) -> str:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return f"{what} {time.perf_counter() - wall:.1f} s ({time.process_time() - cpu:.1f} s CPU)"


def measure(data: Path, out: Path, version: str) -> str:
    readers.STORAGE_VERSION, readers.STORAGE_NUMBER = version, 255  # the header check: off
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for part in ("staging", "quarantine", "audit"):
        shutil.copytree(data / part, out / part)
    warehouse = Warehouse(DataPaths(out), rebuild=True)
    parts = [
        _timed("build", lambda: build_all(warehouse)),
        _timed("first publish", lambda: warehouse.publish("experiment-first")),
        _timed("next publish", lambda: warehouse.publish("experiment-next")),
    ]
    size = DataPaths(out).reporting_db.stat().st_size / 2**20
    return f"{version}: " + ", ".join(parts) + f", published {size:.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--versions", nargs="+", default=["v1.0.0", "latest"])
    args = parser.parse_args()
    for _ in range(args.repeat):
        for version in args.versions:
            print(measure(args.data, args.out / version, version), flush=True)
    shutil.rmtree(args.out, ignore_errors=True)


if __name__ == "__main__":
    main()
