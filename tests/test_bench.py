"""A test-sized benchmark: catches a gross regression of the pipeline against the DuckDB floor."""

import json

import pytest

from pipelines.bench import environment, markdown, run_bench, targets

# Measured on the 2-core machine at 200k rows: pipeline ÷ floor 22–28 (fixed Dagster, GX and
# check overheads dominate at this size; see the README). The bound is generous on purpose.
MAX_RATIO_AT_200K = 90


@pytest.mark.slow
def test_benchmark_at_200k_rows(tmp_path):
    result = run_bench(200_000, tmp_path, echo=lambda _: None, repeat=2)
    assert result["dossier_rows"] >= 190_000
    assert result["pipeline_over_floor"] <= MAX_RATIO_AT_200K, result
    assert result["incremental_over_full"] < 1.0, result  # unchanged months are not re-read
    assert result["pipeline"]["peak_rss_mib"] < 4096
    for measured in (result["pipeline"], result["incremental"]):
        assert len(measured["runs"]) == 2 and measured["seconds"] == min(measured["runs"])
    # each repetition's re-delivery is removed: the next full run reads the same files
    assert not list((tmp_path / "landing/dossiers").glob("ho_so_2024-06__20250301000000.csv"))
    saved = json.loads((tmp_path / "bench.json").read_text())
    assert saved["pipeline_over_floor"] == result["pipeline_over_floor"]
    assert "pipeline ÷ floor" in (tmp_path / "bench.md").read_text()
    assert set(saved["targets"]) == {"pipeline_over_floor", "incremental_over_full", "peak_rss_gib"}
    assert saved["environment"]["duckdb"] and saved["environment"]["commit"]


def _result(full: float, incremental: float, peak_mib: int) -> dict:
    return {
        "dossier_rows": 10_000_000,
        "cores": 2,
        "floor": {"seconds": 10.0, "peak_rss_mib": 4000},
        "floor_file": {"seconds": 20.0, "peak_rss_mib": 2000},
        "pipeline": {"seconds": full, "peak_rss_mib": peak_mib},
        "incremental": {"seconds": incremental, "peak_rss_mib": 1000},
        "rows_per_second_floor": 1_000_000,
        "rows_per_second_pipeline": round(10_000_000 / full),
        "pipeline_over_floor": round(full / 10.0, 2),
        "pipeline_over_floor_file": round(full / 20.0, 2),
        "incremental_over_full": round(incremental / full, 3),
    }


def test_the_report_says_which_targets_are_met_and_what_produced_it():
    missed = _result(full=80.0, incremental=24.0, peak_mib=2200)
    missed["targets"], missed["environment"] = targets(missed), environment()
    assert {n: t["met"] for n, t in missed["targets"].items()} == {
        "pipeline_over_floor": False,  # 8.0 > 3
        "incremental_over_full": False,  # 0.3 > 0.1
        "peak_rss_gib": True,  # 2.15 GiB ≤ 4
    }
    met = _result(full=30.0, incremental=3.0, peak_mib=5000)
    met["targets"], met["environment"] = targets(met), environment()
    assert {n: t["met"] for n, t in met["targets"].items()} == {
        "pipeline_over_floor": True,
        "incremental_over_full": True,
        "peak_rss_gib": False,  # 4.88 GiB
    }
    missed["pipeline"]["runs"] = [80.0, 84.5]
    text = markdown(missed)
    assert "| 80.0 (best of 80.0, 84.5) |" in text
    assert "| pipeline_over_floor | 8.0 | ≤ 3.0 | missed |" in text
    assert "| peak_rss_gib | 2.15 | ≤ 4.0 | met |" in text
    assert f"duckdb {missed['environment']['duckdb']}" in text
