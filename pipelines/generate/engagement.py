"""Reception and dialogue events for a year, calibrated: 140 dialogues held, 314 periodic
receptions by Party secretaries scheduled and 301 held (INDICATORS.md, Calibration)."""

import numpy as np
import polars as pl

from pipelines.generate.calendar_pairs import draw, monthly, unit_days
from schemas.engagement import ADHOC, DIALOGUE, HELD, PERIODIC

SECRETARY = {"Tỉnh": "Bí thư Tỉnh ủy", "Huyện": "Bí thư Huyện ủy", "Xã": "Bí thư Đảng ủy xã"}
CHAIRMAN = {"Tỉnh": "Chủ tịch UBND tỉnh", "Huyện": "Chủ tịch UBND huyện", "Xã": "Chủ tịch UBND xã"}
DEPUTY = {
    "Tỉnh": "Phó Bí thư Tỉnh ủy",
    "Huyện": "Phó Bí thư Huyện ủy",
    "Xã": "Phó Bí thư Đảng ủy xã",
}
# (level, count) per block; the calibrated blocks first
SECRETARY_PERIODIC_COMMUNE = 182  # + 12 provincial + 120 district monthly = 314
NOT_HELD = {"Hoãn": 9, "Hủy": 4}  # 314 − 13 = 301 held
DIALOGUES = {"Tỉnh": 8, "Huyện": 60, "Xã": 80}  # 148 planned, 140 held
DIALOGUES_NOT_HELD = {"Hoãn": 6, "Hủy": 2}


def _block(
    pairs: pl.DataFrame, level: str, event_type: str, chair: str, planned: bool
) -> pl.DataFrame:
    return pairs.select(
        event_date=pl.col("date"),
        event_type=pl.lit(event_type),
        level=pl.lit(level),
        admin_unit_code=pl.col("code"),
        chair_role=pl.lit(chair),
        planned=pl.lit(planned),
    )


def _outcomes(rng: np.random.Generator, n: int, not_held: dict[str, int]) -> pl.Series:
    outcome = np.full(n, HELD, dtype=object)
    chosen = rng.choice(n, sum(not_held.values()), replace=False)
    cursor = 0
    for label, count in not_held.items():
        outcome[chosen[cursor : cursor + count]] = label
        cursor += count
    return pl.Series("outcome", outcome.astype(str))


def events(rng: np.random.Generator, year: int) -> pl.DataFrame:
    pairs = {level: unit_days(level, year) for level in ("Tỉnh", "Huyện", "Xã")}
    districts = pairs["Huyện"]["code"].unique().sort().to_list()
    commune_draw = draw(rng, pairs["Xã"], SECRETARY_PERIODIC_COMMUNE + 5)
    secretary = pl.concat(
        [
            _block(monthly(rng, pairs["Tỉnh"], ["60"]), "Tỉnh", PERIODIC, SECRETARY["Tỉnh"], True),
            _block(
                monthly(rng, pairs["Huyện"], districts), "Huyện", PERIODIC, SECRETARY["Huyện"], True
            ),
            _block(
                commune_draw.head(SECRETARY_PERIODIC_COMMUNE), "Xã", PERIODIC, SECRETARY["Xã"], True
            ),
        ]
    )
    secretary = secretary.with_columns(_outcomes(rng, secretary.height, NOT_HELD))
    unplanned = _block(commune_draw.tail(5), "Xã", PERIODIC, SECRETARY["Xã"], False).with_columns(
        outcome=pl.lit(HELD)
    )  # held, but not in the plan: not counted as scheduled
    dialogues = pl.concat(
        [
            _block(
                draw(rng, pairs[level], n),
                level,
                DIALOGUE,
                (CHAIRMAN if level != "Huyện" else SECRETARY)[level],
                True,
            )
            for level, n in DIALOGUES.items()
        ]
    )
    dialogues = dialogues.with_columns(_outcomes(rng, dialogues.height, DIALOGUES_NOT_HELD))
    others = pl.concat(
        [
            _block(
                monthly(rng, pairs["Huyện"], districts), "Huyện", PERIODIC, CHAIRMAN["Huyện"], True
            ),
            _block(draw(rng, pairs["Xã"], 250), "Xã", PERIODIC, CHAIRMAN["Xã"], True),
            _block(draw(rng, pairs["Xã"], 40), "Xã", PERIODIC, DEPUTY["Xã"], True),
            _block(draw(rng, pairs["Xã"], 60), "Xã", ADHOC, CHAIRMAN["Xã"], False),
        ]
    ).with_columns(outcome=pl.lit(HELD))
    frame = pl.concat([secretary, unplanned, dialogues, others])
    held = (frame["outcome"] == HELD).to_numpy()
    raised = np.where(held, rng.poisson(6, frame.height), 0)
    return frame.with_columns(
        citizens_received=pl.Series(np.where(held, rng.poisson(15, frame.height), 0)),
        opinions_raised=pl.Series(raised),
        opinions_resolved=pl.Series(rng.binomial(raised, 0.85)),
        replied_in_time=pl.Series(rng.binomial(raised, 0.9)),
        quarter=pl.format(
            "{}-Q{}", pl.col("event_date").dt.year(), pl.col("event_date").dt.quarter()
        ),
    ).sort("event_date", "level", "admin_unit_code")
