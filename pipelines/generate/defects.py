"""The defects the demo generator injects, in one place, with the effect each must have.

Tests assert these effects on the load audit and the quarantine table; the calibrated figures
hold only because every injected row is quarantined or dropped as a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Defect:
    name: str
    source: str
    period: str
    description: str
    quarantined: int = 0  # rows that must end in the quarantine table
    duplicates: int = 0  # rows that must be dropped as exact duplicates
    superseded_files: int = 0
    unmatched_files: int = 0
    reason_contains: str = ""  # a fragment of the quarantine reason
    fails_checks: tuple[str, ...] = ()  # the checks it makes fail (a staging one on its period)
    year: int = 2024  # the sample year (`danvan generate --year`) that carries it


DEFECTS: tuple[Defect, ...] = (
    Defect(
        "missing_procedure_code",
        "dossiers",
        "2024-01",
        "6 extra rows with an empty Mã TTHC",
        quarantined=6,
        reason_contains="Mã TTHC",
    ),
    Defect(
        "title_rows_xlsx",
        "dossiers",
        "2024-02",
        "delivered as .xlsx with 3 title rows, a units row (1) (2) … and Excel dates",
    ),
    Defect(
        "redelivered_month",
        "dossiers",
        "2024-03",
        "an early unstamped export (statuses still open) replaced by the stamped re-export",
        superseded_files=1,
    ),
    Defect(
        "impossible_dates",
        "dossiers",
        "2024-04",
        "15 extra rows received on 31/02/2024",
        quarantined=15,
        reason_contains="is not a date",
    ),
    Defect("exact_duplicates", "dossiers", "2024-05", "25 rows repeated verbatim", duplicates=25),
    Defect(
        "procedure_suffix",
        "dossiers",
        "2024-05",
        "procedure codes with the .H36 suffix (kept, suffix stripped)",
    ),
    Defect(
        "conflicting_duplicates",
        "dossiers",
        "2024-06",
        "12 dossier codes listed twice with different content; the later row is right",
        quarantined=12,
        reason_contains="different content",
    ),
    Defect(
        "labels_and_iso_dates",
        "dossiers",
        "2024-06",
        "status and channel as labels, 'Cấp tỉnh' levels, yyyy-MM-dd dates, ';' delimiter",
    ),
    Defect("windows_1258", "dossiers", "2024-07", "CSV encoded in Windows-1258"),
    Defect(
        "unknown_unit",
        "dossiers",
        "2024-08",
        "10 extra rows with unit code 60999",
        quarantined=10,
        reason_contains="unknown unit code",
    ),
    Defect("extra_column", "dossiers", "2024-08", "an extra 'Ghi chú' column (ignored, audited)"),
    Defect("nfd_text", "dossiers", "2024-09", "headers and values in Unicode NFD"),
    Defect(
        "finished_before_received",
        "dossiers",
        "2024-10",
        "7 extra rows finished before receipt",
        quarantined=7,
        reason_contains="before Ngày tiếp nhận",
    ),
    Defect(
        "unknown_procedure",
        "dossiers",
        "2024-10",
        "20 rows with procedure code 9.999999 (kept, procedure_known = false)",
        fails_checks=("fact_dossier_procedure_in_catalogue",),
    ),
    Defect(
        "received_outside_month",
        "dossiers",
        "2024-11",
        "5 extra rows received in October",
        quarantined=5,
        reason_contains="outside the file's period",
    ),
    Defect(
        "merged_unit_after_merge",
        "dossiers",
        "2024-12",
        "8 extra rows in December with 22939, merged into 22951 on 2024-12-01",
        quarantined=8,
        reason_contains="not in force",
    ),
    Defect(
        "stray_file",
        "dossiers",
        "",
        "dossiers/ghi_chu.txt, not an export",
        unmatched_files=1,
        fails_checks=("landing_inventory_all_files_matched", "load_audit_no_rejected_file"),
    ),
    Defect(
        "bad_decision_date",
        "procedures",
        "2024-06-30",
        "2 extra rows with 'chưa rõ' decision date",
        quarantined=2,
        reason_contains="is not a date",
    ),
    Defect(
        "procedure_conflict",
        "procedures",
        "2024-12-31",
        "one procedure code listed twice with different names",
        quarantined=1,
        reason_contains="different content",
    ),
    Defect("catalogue_xlsx", "procedures", "2024-12-31", "catalogue as .xlsx with title rows"),
    Defect(
        "engagement_unknown_unit",
        "engagement",
        "2024-Q1",
        "2 extra events in unit 99999",
        quarantined=2,
        reason_contains="unknown unit code",
    ),
    Defect("engagement_title_xlsx", "engagement", "2024-Q1", ".xlsx with title rows"),
    Defect(
        "engagement_redelivered",
        "engagement",
        "2024-Q2",
        "an early export missing 10 events, replaced by the stamped re-export",
        superseded_files=1,
    ),
    Defect(
        "engagement_outside_quarter",
        "engagement",
        "2024-Q2",
        "1 extra event dated in March",
        quarantined=1,
        reason_contains="outside the file's period",
    ),
    Defect("engagement_nfd", "engagement", "2024-Q3", "headers and values in Unicode NFD"),
    Defect(
        "engagement_resolved_exceeds_raised",
        "engagement",
        "2024-Q4",
        "1 extra event with more opinions resolved than raised",
        quarantined=1,
        reason_contains="exceeds Số ý kiến",
    ),
    Defect(
        "engagement_merged_unit",
        "engagement",
        "2024-Q4",
        "1 extra event on 10/12/2024 in 22942, merged into 22945 on 2024-12-01",
        quarantined=1,
        reason_contains="not in force",
    ),
    Defect(
        "engagement_duplicates", "engagement", "2024-Q4", "3 events repeated verbatim", duplicates=3
    ),
    Defect(
        "engagement_postponed",
        "engagement",
        "",
        "13 of 314 scheduled periodic receptions postponed or cancelled (kept, not held)",
    ),
    Defect(
        "welfare_unknown_district",
        "welfare",
        "2024-Q1",
        "MTTQ: 3 rows with 'Huyện Hàm Thuận' / 'Xã Xyz', which are no district",
        quarantined=3,
        reason_contains="names no single unit in force",
    ),
    Defect(
        "welfare_outside_quarter",
        "welfare",
        "2024-Q1",
        "DTN: 1 row dated in June",
        quarantined=1,
        reason_contains="outside the file's period",
    ),
    Defect(
        "welfare_typed_names",
        "welfare",
        "",
        "district names as typed (TP. Phan Thiết, H. Bắc Bình, Phú Quí, Tỉnh…), all resolved",
    ),
    Defect(
        "welfare_duplicates", "welfare", "2024-Q2", "MTTQ: 3 rows repeated verbatim", duplicates=3
    ),
    Defect(
        "welfare_zero_quantity",
        "welfare",
        "2024-Q2",
        "HCCB: 1 row with Số lượng 0",
        quarantined=1,
        reason_contains="must be > 0",
    ),
    Defect(
        "welfare_redelivered",
        "welfare",
        "2024-Q2",
        "LDLD: an unstamped file with wrong amounts, replaced by the stamped one",
        superseded_files=1,
    ),
    Defect(
        "welfare_totals_mismatch",
        "welfare",
        "2024-Q3",
        "HND: the Tổng cộng row is 1,000,000 VND above the data rows (reported, not fixed)",
        fails_checks=("staging_welfare_totals_reconciled", "load_audit_totals_reconciled"),
    ),
    Defect("welfare_nfd", "welfare", "2024-Q3", "HLHPN: a CSV in Unicode NFD"),
    Defect(
        "welfare_absurd_value",
        "welfare",
        "2024-Q4",
        "HLHPN: 1 gift worth 10^15 VND",
        quarantined=1,
        reason_contains="must be ≤",
    ),
    Defect(
        "welfare_merged_titles",
        "welfare",
        "",
        "DTN: .xlsx files with merged title cells and a units row",
    ),
    Defect(
        "feedback_due_before_received",
        "feedback",
        "2024-05",
        "2 extra items due before they were received",
        quarantined=2,
        reason_contains="is before Ngày tiếp nhận",
    ),
    Defect("feedback_xlsx", "feedback", "2024-08", "the month delivered as .xlsx"),
    Defect(
        "models_conflict",
        "models",
        "2024",
        "one model listed twice with different statuses; the later row is right",
        quarantined=1,
        reason_contains="different content",
    ),
    # the years after 2024 (pipelines/generate/later_years.py): the reform's traps
    Defect(
        "special_zone_before_reform",
        "dossiers",
        "2025-03",
        "4 extra rows at level Đặc khu, which exists only from 2025-07-01",
        quarantined=4,
        reason_contains="special zones exist only from",
        year=2025,
    ),
    Defect(
        "district_after_reform",
        "dossiers",
        "2025-08",
        "6 extra rows at level Huyện after the districts were abolished",
        quarantined=6,
        reason_contains="districts were abolished",
        year=2025,
    ),
    Defect(
        "portal_headers",
        "dossiers",
        "2025-09",
        "the national portal's field names (MaHoSo, NgayTiepNhan…) and ISO dates with T and ms",
        year=2025,
    ),
    Defect(
        "labels_after_reform",
        "dossiers",
        "2025-11",
        "status and channel as labels, levels as 'Cấp xã', 'Cấp đặc khu'",
        year=2025,
    ),
    Defect(
        "engagement_district_after_reform",
        "engagement",
        "2025-Q4",
        "1 extra event at level Huyện after the districts were abolished",
        quarantined=1,
        reason_contains="districts were abolished",
        year=2025,
    ),
    Defect(
        "welfare_city_after_reform",
        "welfare",
        "2025-Q3",
        "MTTQ: 1 row for 'TP. Phan Thiết', a city that no longer exists (its ward is a unit)",
        quarantined=1,
        reason_contains="names no single unit in force",
        year=2025,
    ),
    Defect(
        "welfare_typed_unit_names",
        "welfare",
        "",
        "district, then commune names as typed (TP. Đà Lạt, xã Hàm Liêm, bare names, capitals, "
        "codes, Tỉnh, Toàn tỉnh, Đặc khu Phú Quý), all resolved on the activity's date",
        year=2025,
    ),
    Defect(
        "old_commune_after_reform",
        "dossiers",
        "2026-03",
        "5 extra rows at 22915 (Phường Mũi Né until 2025-06-30)",
        quarantined=5,
        reason_contains="not in force",
        year=2026,
    ),
    Defect(
        "portal_headers_even_months",
        "dossiers",
        "",
        "the even months of 2026 with the national portal's field names and ISO dates",
        year=2026,
    ),
    Defect(
        "feedback_due_before_received_2026",
        "feedback",
        "2026-05",
        "2 extra items due before they were received",
        quarantined=2,
        reason_contains="is before Ngày tiếp nhận",
        year=2026,
    ),
    Defect(
        "model_district_level_2026",
        "models",
        "2026",
        "1 extra model registered at level Huyện in the 2026 register",
        quarantined=1,
        reason_contains="districts were abolished",
        year=2026,
    ),
)


def expected_totals(source: str | None = None, years: tuple[int, ...] = (2024,)) -> dict[str, int]:
    """What the defects of the generated `years` add up to in the load audit."""
    chosen = [d for d in DEFECTS if (source is None or d.source == source) and d.year in years]
    return {
        "quarantined": sum(d.quarantined for d in chosen),
        "duplicates": sum(d.duplicates for d in chosen),
        "superseded_files": sum(d.superseded_files for d in chosen),
        "unmatched_files": sum(d.unmatched_files for d in chosen),
    }


def explain_failed_checks(failed) -> str:
    """The demo's failed checks, each said to be the injected defect it is there to catch — or
    not one, which then needs looking at. `failed`: objects with a name and a partition."""
    lines, surprises = [], 0
    for check in failed:
        defect = next(
            (
                d
                for d in DEFECTS
                if check.name in d.fails_checks and check.partition in (None, d.period)
            ),
            None,
        )
        if defect is None:
            surprises += 1
            lines.append(f"  ! {check}: NOT an injected defect — look at it in the Dagster UI")
        else:
            lines.append(
                f"  - {check}: expected, the injected defect '{defect.name}' ({defect.description})"
            )
    if surprises:
        lines.append(f"{surprises} failed check(s) are not explained by the sample's defects.")
    else:
        lines.append(
            "Each is an injected defect of the sample data, there to show a failed check: "
            "`make ui`, then Assets → the asset → Checks."
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- row-level injections on text


def with_changes(
    text: pl.DataFrame,
    count: int,
    *,
    source: pl.DataFrame | None = None,
    code_column: str | None = None,
    tag: str = "X",
    **cells: str,
) -> pl.DataFrame:
    """`text` plus copies of the first `count` rows of `source` (default: text) with `cells`
    replaced and, when `code_column` is given, new codes `LOI-<tag>-<n>` so keys stay unique."""
    rows = (
        (text if source is None else source)
        .head(count)
        .with_columns(**{k: pl.lit(v) for k, v in cells.items()})
    )
    if code_column:
        rows = rows.with_columns(
            pl.format("LOI-{}-{}", pl.lit(tag), pl.int_range(pl.len())).alias(code_column)
        )
    return pl.concat([text, rows])


def conflicting_rows(text: pl.DataFrame, count: int) -> pl.DataFrame:
    """An earlier, different version of `count` rows, placed before the true rows."""
    true_rows = text.slice(100, count)
    variants = true_rows.with_columns(agency_code=pl.lit("H36.60.99"), status_code=pl.lit("4"))
    return pl.concat([text.head(100), variants, text.slice(100)])
