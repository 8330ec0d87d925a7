"""The calibration table as `danvan demo` and `danvan scorecard --compare-published` print it."""

import polars as pl

from warehouse.scorecard import format_comparison


def test_figures_to_four_decimals_and_no_negative_zero():
    comparison = pl.DataFrame(
        {
            "indicator_code": ["rate", "count", "missing"],
            "published": [0.9985, 94_665.0, 140.0],
            "value": [0.998_462, 94_664.0, None],
            "difference": [-0.000_038, -1.0, None],
            "matches": [True, False, False],
        }
    )
    lines = format_comparison(comparison).splitlines()
    rate = next(line for line in lines if line.startswith("rate"))
    assert rate.split()[1:] == ["0.9985", "0.9985", "0", "✓"]
    count = next(line for line in lines if line.startswith("count"))
    assert count.split()[1:] == ["94,665", "94,664", "-1", "✗"]
    assert "1/3 published figures reproduced" in lines[-1]
