"""The warehouse's 766 scoring reproduces the national portal's published points to the cent.

The counts of tests/fixtures/portal_766 (real results of the portal for Phú Thọ, 2026) go
through the scoring macros of mart_service_index_766_detail.sql with the indicators of the
project's configuration, and the group totals through mart_service_index_766.sql itself."""

import math
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from warehouse import index_766
from warehouse.build import render_sql

FIXTURES = Path(__file__).parent / "fixtures" / "portal_766"
PERIOD = ("month", "2026-08")


def _rows(name: str) -> list[dict[str, str]]:
    frame = pl.read_csv(FIXTURES / name, comment_prefix="#", infer_schema=False)
    return frame.to_dicts()


def _count(value: str | None) -> int | None:
    return None if value in (None, "", "null") else int(value)


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    connection.execute(index_766.scoring_macros())
    config = index_766.load(index_766.DEFAULT_CONFIG)
    for name, frame in (
        ("ref_766_indicators", config.indicators),
        ("ref_766_groups", config.groups),
        ("ref_766_bands", config.bands),
    ):
        connection.register(f"_{name}", frame)
        connection.execute(f"create table {name} as select * from _{name}")
    connection.execute(render_sql("dim_service_index_766_indicator"))
    # what the totals' SQL also reads: no geography or coverage is needed for these units
    connection.execute(
        "create table ref_scope as select date '2025-07-01' as reform_date; "
        "create table bridge_admin_unit_2025 (old_code varchar, new_code varchar, "
        "is_primary boolean); "
        "create table mart_source_coverage (year bigint, source varchar, "
        "months_covered bigint, is_complete boolean)"
    )
    yield connection
    connection.close()


def _score(con, cases: list[tuple[str, str, int | None, int | None]]) -> pl.DataFrame:
    """(unit, indicator, numerator, denominator) → status and points, as the detail table
    gives them to a unit whose inputs are all exported."""
    con.register(
        "cases",
        pl.DataFrame(
            cases,
            schema={"unit": pl.String, "indicator_code": pl.String, "n": pl.Int64, "d": pl.Int64},
            orient="row",
        ),
    )
    scored = con.sql(
        """
        with statuses as (
            select c.*, i.*, status_766(i.form, i.max_points, i.zero_points, false, true, c.d)
                as status
            from cases c
            join dim_service_index_766_indicator i
                on i.profile = 'dvcqg' and i.indicator_code = c.indicator_code
        )
        select unit, indicator_code, group_code, max_points, status,
            portal_round2(points_exact_766(status, max_points, threshold, rate_basis,
                zero_points, all_or_nothing, n, d)) as points
        from statuses
        """
    ).pl()
    con.unregister("cases")
    assert scored.height == len(cases), "an indicator code of the test is not configured"
    return scored


def _group_totals(con, scored: pl.DataFrame) -> dict[tuple[str, str], float]:
    """(unit, group) → the group score mart_service_index_766.sql computes from `scored`."""
    con.register("scored", scored)
    con.execute(
        "create or replace table mart_service_index_766_detail as "
        "select 'dvcqg' as profile, ? as period_type, ? as period, 'commune' as unit_type, "
        "unit as unit_code, group_code, indicator_code, points, max_points, status from scored",
        list(PERIOD),
    )
    con.unregister("scored")
    con.execute(render_sql("mart_service_index_766"))
    columns = [f"points_{g}" for g in index_766.GROUP_CODES]
    rows = con.sql(f"select unit_code, {', '.join(columns)} from mart_service_index_766").pl()
    return {
        (row["unit_code"], group): row[f"points_{group}"]
        for row in rows.iter_rows(named=True)
        for group in index_766.GROUP_CODES
    }


def _points(scored: pl.DataFrame) -> dict[tuple[str, str], tuple[str, float | None]]:
    return {
        (r["unit"], r["indicator_code"]): (r["status"], r["points"])
        for r in scored.iter_rows(named=True)
    }


def _same(computed: float | None, published: str) -> bool:
    """Published points are 2-decimal numbers; `null` is the portal's score of a metric with
    nothing to count, which its group total counts as 0 (the warehouse shows that 0)."""
    if published == "null":
        return computed == 0
    return computed is not None and f"{computed:.2f}" == f"{float(published):.2f}"


class Tally:
    def __init__(self):
        self.checked = 0
        self.wrong: list[str] = []

    def expect(self, what: str, computed, published: str) -> None:
        self.checked += 1
        if not _same(computed, published):
            self.wrong.append(f"{what}: computed {computed}, published {published}")


def test_progress_of_164_units(con):
    rows = _rows("progress_phutho_2026-08.csv")
    cases = [
        (r["department_code"], "PROCESSING_ON_TIME", int(r["totalOnTime"]), int(r["totalReceived"]))
        for r in rows
    ]
    points = _points(_score(con, cases))
    tally = Tally()
    for r in rows:
        unit = r["department_code"]
        tally.expect(unit, points[unit, "PROCESSING_ON_TIME"][1], r["score"])
    assert tally.wrong == [] and tally.checked == 164
    # nothing received: 0 points, as the portal gives (H44.01 and H44.23)
    assert points["H44.01", "PROCESSING_ON_TIME"] == ("zero_denominator", 0.0)
    assert points["H44.23", "PROCESSING_ON_TIME"] == ("zero_denominator", 0.0)


PAYMENT_PARTS = {
    "ONLINE_PAYMENT_DOSSIER": (
        "totalDossierOnlinePaymentSuccess",
        "totalDossierFinancialObligation",
    ),
    "ONLINE_PAYMENT_FORMALITY": ("totalDossierOnlineFormalityPaymentSuccess", "totalFeeFormality"),
    "FEE_FORMALITY_WITH_DOSSIER": ("totalFeeDossierFormality", "totalFeeFormality"),
}


@pytest.mark.parametrize(
    ("name", "units"), [("payment_phutho_2026-08.csv", 164), ("payment_phutho_2026-year.csv", 37)]
)
def test_online_payment_of_201_unit_periods(con, name, units):
    """The payment score is three parts, each from the percentage rounded to 2 decimals, each
    rounded, then summed: H44.144, H44.156, H44.197 and H44.125 fail any other order."""
    rows = _rows(name)
    cases = [
        (r["department_code"], code, int(r[n]), int(r[d]))
        for r in rows
        for code, (n, d) in PAYMENT_PARTS.items()
    ]
    totals = _group_totals(con, _score(con, cases))
    tally = Tally()
    for r in rows:
        unit = r["department_code"]
        tally.expect(unit, totals[unit, "online_payment"], r["totalScore"])
    assert tally.wrong == [] and tally.checked == units


def test_satisfaction_of_89_units(con):
    rows = _rows("satisfaction_phutho_2026-08.csv")
    metrics = {
        "DOSSIER_RECEIVING_SATISFACTION": "DRS",
        "PETITION_PROCESSING_ON_TIME": "PPOT",
        "PETITION_HANDLING_SATISFACTION": "PHS",
        "PETITION_CLASSIFICATION_TTHC": "PCT",
        "PETITION_CLASSIFICATION_STAFF": "PCS",
    }
    units = {f"{i}": r for i, r in enumerate(rows)}  # this response has no unit codes
    cases = [
        (unit, code, _count(r[f"{m}_num"]), _count(r[f"{m}_den"]))
        for unit, r in units.items()
        for code, m in metrics.items()
        if r[f"{m}_den"] not in (None, "")  # one row lost its last metrics in the stored copy
    ]
    scored = _score(con, cases)
    points, totals = _points(scored), _group_totals(con, scored)
    tally = Tally()
    for unit, r in units.items():
        for code, m in list(metrics.items())[:3]:
            if r[f"{m}_score"] not in (None, ""):
                tally.expect(f"{unit} {code}", points[unit, code][1], r[f"{m}_score"])
        if r["PHS_score"] not in (None, ""):
            tally.expect(f"{unit} total", totals[unit, "satisfaction"], r["totalScore"])
    assert tally.wrong == [] and tally.checked == 89 * 3 - 1 + 88  # one row lost PHS
    empty = next(u for u, r in units.items() if r["DRS_den"] == "0")
    assert points[empty, "DOSSIER_RECEIVING_SATISFACTION"] == ("zero_denominator", 0.0)
    # no feedback: 6 and 6, as the portal gives; the classification shares are not scored
    assert points[empty, "PETITION_PROCESSING_ON_TIME"] == ("zero_denominator", 6.0)
    assert points[empty, "PETITION_HANDLING_SATISFACTION"] == ("zero_denominator", 6.0)
    assert points[empty, "PETITION_CLASSIFICATION_STAFF"] == ("not_scored", None)


DIGITISATION = {
    "ORIGINAL_RESULT_AVAILABLE": "ORA",
    "SO_HOA_GIAY_TO_GIAI_QUYET": "SHG",
    "REUSED_DIGITIZED_DATA": "RDD",
    "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": "SPS",
    "CITIZEN_DATA_CONNECTED_DOSSIER": "CDD",
    "CITIZEN_DATA_CONNECTED_FORMALITY": "CDF",
    "ELECTRONIC_CERTIFIED_COPY": "ECC",
}


def test_digitisation_of_29_units(con):
    """Zero denominators are null at the portal and 0 in its group total (H44.01: 2 of 22,
    the electronic certified copies only); agencies and communes are scored on the
    citizen-data metrics from their own counts, not given the maximum."""
    rows = _rows("digitization_phutho_2026-08.csv")
    cases = [
        (r["department_code"], code, _count(r[f"{m}_num"]), _count(r[f"{m}_den"]))
        for r in rows
        for code, m in DIGITISATION.items()
    ]
    scored = _score(con, cases)
    points, totals = _points(scored), _group_totals(con, scored)
    tally = Tally()
    for r in rows:
        unit = r["department_code"]
        for code, m in DIGITISATION.items():
            tally.expect(f"{unit} {code}", points[unit, code][1], r[f"{m}_score"])
        tally.expect(f"{unit} total", totals[unit, "digitisation"], r["totalScore"])
    assert tally.wrong == [] and tally.checked == 29 * 8
    assert totals["H44.01", "digitisation"] == 2.0
    assert points["H44.100", "CITIZEN_DATA_CONNECTED_DOSSIER"] == ("scored", 0.77)
    assert points["H44.115", "ORIGINAL_RESULT_AVAILABLE"][1] == 4.66  # from the unrounded rate


TRANSPARENCY = {
    "PUBLISH_ON_TIME": "POT",
    "PUBLIC_UPDATE_ON_TIME": "PUO",
    "PUBLIC_CONTENT_FULL": "PCF",
    "DOSSIER_SYNC": "DSY",
}


def test_transparency_of_30_unit_periods(con):
    rows = _rows("transparency_phutho_2026.csv")
    units = {f"{r['period']} {i}": r for i, r in enumerate(rows)}
    cases = [
        (unit, code, int(r[f"{m}_num"]), int(r[f"{m}_den"]))
        for unit, r in units.items()
        for code, m in TRANSPARENCY.items()
    ]
    scored = _score(con, cases)
    points, totals = _points(scored), _group_totals(con, scored)
    tally = Tally()
    for unit, r in units.items():
        for code, m in TRANSPARENCY.items():
            tally.expect(f"{unit} {code}", points[unit, code][1], r[f"{m}_score"])
        tally.expect(f"{unit} total", totals[unit, "transparency"], r["totalScore"])
    assert tally.wrong == [] and tally.checked == 30 * 5


def test_online_service_of_the_province_by_the_inferred_formula(con):
    """The portal publishes only the group's counters and score, for the province; the
    configured three-part form (marked unconfirmed) reproduces all five."""
    rows = _rows("online_service_parents_phutho.csv")
    units = {f"{r['period']} {r['scope']}": r for r in rows}
    cases = [
        case
        for unit, r in units.items()
        for case in (
            (
                unit,
                "ONLINE_SERVICE_PROVIDED",
                int(r["partialCount"]) + int(r["fullCount"]),
                int(r["authorityCount"]),
            ),
            (
                unit,
                "ONLINE_SERVICE_USED",
                int(r["onlineDossierCount"]),
                int(r["onlineServiceTotal"]),
            ),
            (unit, "ONLINE_DOSSIERS", int(r["channelOnlineSum"]), int(r["channelTotalSum"])),
        )
    ]
    totals = _group_totals(con, _score(con, cases))
    tally = Tally()
    for unit, r in units.items():
        tally.expect(unit, totals[unit, "online_service"], r["totalScore"])
    assert tally.wrong == [] and tally.checked == 5
    config = index_766.load(index_766.DEFAULT_CONFIG).indicators
    inferred = config.filter(pl.col("group_code") == "online_service", pl.col("profile") == "dvcqg")
    assert not inferred["confirmed"].any()


def test_portal_rounding_is_half_up_on_the_exact_double(con):
    """toFixed(2): 5.925 (stored below the tie) rounds down, 0.625 (exact) rounds up; every
    tie k/200 and its two neighbouring doubles up to 21, as Python's Decimal rounds them."""
    values = []
    for k in range(4201):
        tie = k / 200
        values += [tie, math.nextafter(tie, 0), math.nextafter(tie, 100)]
    got = con.execute("select x, portal_round2(x) from unnest(?) t(x)", [values]).fetchall()
    for x, rounded in got:
        assert rounded == float(Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)), x
    assert con.sql("select portal_round2(5.925), portal_round2(0.625)").fetchall() == [(5.92, 0.63)]
