"""A non-editable install (a wheel) carries every data file the code reads: SQL, reference CSVs,
the 766 configuration, the report template, the documented queries."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assets", "pipelines", "schemas", "warehouse")


def test_the_wheel_holds_every_tracked_data_file(tmp_path):
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    # built from a copy of the tracked files: a build/ folder left in the checkout would hide a gap
    source = tmp_path / "source"
    for name in tracked:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("*.whl")
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    data_files = {f for f in tracked if f.startswith(PACKAGES) and not f.endswith(".py")}
    assert "warehouse/service_index_766.yaml" in data_files
    assert sorted(data_files - in_wheel) == []
