"""The `danvan` command's wiring: `demo` hands `run` and `scorecard` the arguments their own
parsers give (a hand-built set would miss a new option); `generate` checks its room first."""

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from pipelines import cli, disk


def test_demo_runs_and_shows_the_scorecard_with_their_own_defaults(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    (landing / "dossiers").mkdir(parents=True)
    (landing / "dossiers" / "ho_so_2024-01.csv").write_text("x", encoding="utf-8")
    monkeypatch.setenv("DANVAN_LANDING_DIR", str(landing))
    monkeypatch.setenv("DANVAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DANVAN_DEMO", raising=False)  # demo sets it: unset again afterwards
    calls = []
    monkeypatch.setattr(
        cli, "_run_and_summarise", lambda args: (calls.append(("run", vars(args))) or 0, None)
    )
    monkeypatch.setattr(
        cli, "_scorecard", lambda args: calls.append(("scorecard", vars(args))) or 0
    )
    monkeypatch.setattr(cli, "_calibration", lambda: calls.append(("calibration", {})) or 0)
    assert cli._demo(cli.parser().parse_args(["demo"])) == 0
    (run_name, run_args), (card_name, card_args), (last, _) = calls
    assert run_name == "run" and run_args == vars(cli.parser().parse_args(["run"]))
    assert run_args["rebuild"] is False
    assert card_name == "scorecard" and card_args["year"] == 2026
    assert last == "calibration"  # the published 2024 figures beside the computed ones


def test_the_demo_generates_the_three_years_into_an_empty_landing(tmp_path, monkeypatch):
    monkeypatch.setenv("DANVAN_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.delenv("DANVAN_DEMO", raising=False)
    generated = []
    monkeypatch.setattr(cli, "_generate", lambda args: generated.append(vars(args)) or 0)
    monkeypatch.setattr(cli, "_run_and_summarise", lambda args: (0, None))
    monkeypatch.setattr(cli, "_scorecard", lambda args: 0)
    monkeypatch.setattr(cli, "_calibration", lambda: 0)
    assert cli._demo(cli.parser().parse_args(["demo", "--scale", "0.5"])) == 0
    assert [(g["year"], g["scale"]) for g in generated] == [(2024, 0.5), (2025, 0.05), (2026, 0.05)]
    assert all(g["as_of"] is None and g["seed"] == 20240101 for g in generated)


def test_the_demo_says_which_failed_checks_are_injected_defects(tmp_path, monkeypatch, capsys):
    from pipelines.runner import FailedCheck, RunSummary

    (tmp_path / "landing/dossiers").mkdir(parents=True)
    (tmp_path / "landing/dossiers/ho_so_2024-01.csv").write_text("x", encoding="utf-8")
    monkeypatch.setenv("DANVAN_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.delenv("DANVAN_DEMO", raising=False)
    failed = [
        FailedCheck("fact_dossier_procedure_in_catalogue", None, "WARN", False, "20 rows"),
        FailedCheck("staging_welfare_totals_reconciled", "2024-Q3", "WARN", False, "HND"),
        FailedCheck("staging_dossiers_readable", "2024-02", "ERROR", True, "rejected"),
    ]
    summary = RunSummary(failed_checks=failed)
    monkeypatch.setattr(cli, "_run_and_summarise", lambda args: (1, summary))
    monkeypatch.setattr(cli, "_scorecard", lambda args: 0)
    monkeypatch.setattr(cli, "_calibration", lambda: 0)
    assert cli._demo(cli.parser().parse_args(["demo"])) == 1
    told = capsys.readouterr().out.split("== checks that did not pass\n")[1].splitlines()
    assert told[0] == (
        "  - fact_dossier_procedure_in_catalogue: expected, the injected defect "
        "'unknown_procedure' (20 rows with procedure code 9.999999 (kept, procedure_known = "
        "false))"
    )
    assert told[1].startswith(
        "  - staging_welfare_totals_reconciled[2024-Q3]: expected, the injected defect "
        "'welfare_totals_mismatch'"
    )
    assert told[2] == (
        "  ! staging_dossiers_readable[2024-02]: NOT an injected defect — look at it in the "
        "Dagster UI"
    )
    assert told[3] == "1 failed check(s) are not explained by the sample's defects."


def test_the_installed_command_exits_with_mains_code_without_the_last_collection():
    (command,) = entry_points(group="console_scripts", name="danvan")
    assert command.value == "pipelines.cli:console"
    # main's code is the exit code; by the atexit handlers the objects are frozen, so the
    # interpreter's last collection does not walk them (1 s at the end of each run)
    code = (
        "import atexit, gc, pipelines.cli as cli; cli.main = lambda: 3; "
        "atexit.register(lambda: print(gc.get_freeze_count() > 0)); cli.console()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (3, "True"), done.stderr


@pytest.mark.slow
def test_generate_says_it_lacks_room_before_it_writes(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(disk, "free_bytes", lambda _: 100 * 2**20)
    out = tmp_path / "landing"
    assert cli.main(["generate", "--out", str(out), "--scale", "20"]) == 2
    assert not out.exists()
    error = capsys.readouterr().err
    assert f"generating at scale 20 needs about 3.5 GiB under {out}; there is room for 0.1" in error
    assert cli.main(["generate", "--out", str(out), "--scale", "0.2"]) == 0  # 36 MB: it fits
    assert len(list(out.rglob("*.csv"))) > 10
