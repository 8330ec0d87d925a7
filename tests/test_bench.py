"""A test-sized benchmark: catches a gross regression of the pipeline against the DuckDB floor."""

import json

import pytest

from pipelines.bench import run_bench

# Measured on the 2-core machine at 200k rows: pipeline ÷ floor ≈ 33 (fixed Dagster and check
# overheads dominate at this size; see the README). The bound is generous on purpose.
MAX_RATIO_AT_200K = 90


@pytest.mark.slow
def test_benchmark_at_200k_rows(tmp_path):
    result = run_bench(200_000, tmp_path, echo=lambda _: None)
    assert result["dossier_rows"] >= 190_000
    assert result["pipeline_over_floor"] <= MAX_RATIO_AT_200K, result
    assert result["incremental_over_full"] < 1.0, result  # unchanged months are not re-read
    assert result["pipeline"]["peak_rss_mib"] < 4096
    saved = json.loads((tmp_path / "bench.json").read_text())
    assert saved["pipeline_over_floor"] == result["pipeline_over_floor"]
    assert "pipeline ÷ floor" in (tmp_path / "bench.md").read_text()
