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
        "procedure codes with the .H60 suffix (kept, suffix stripped)",
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
    Defect("stray_file", "dossiers", "", "dossiers/ghi_chu.txt, not an export", unmatched_files=1),
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
)


def expected_totals(source: str | None = None) -> dict[str, int]:
    chosen = [d for d in DEFECTS if source is None or d.source == source]
    return {
        "quarantined": sum(d.quarantined for d in chosen),
        "duplicates": sum(d.duplicates for d in chosen),
        "superseded_files": sum(d.superseded_files for d in chosen),
        "unmatched_files": sum(d.unmatched_files for d in chosen),
    }


# ---------------------------------------------------------------- row-level injections on text


def extra_rows(
    text: pl.DataFrame, count: int, tag: str, source: pl.DataFrame | None = None, **values: str
) -> pl.DataFrame:
    """`text` plus `count` copies of rows of `source` (default: text) with new dossier codes and
    the given cells replaced."""
    rows = (
        (text if source is None else source)
        .head(count)
        .with_columns(
            dossier_code=pl.format(
                "LOI-{}-{}", pl.lit(tag), pl.int_range(pl.len()).cast(pl.String)
            ),
            **{k: pl.lit(v) for k, v in values.items()},
        )
    )
    return pl.concat([text, rows])


def conflicting_rows(text: pl.DataFrame, count: int) -> pl.DataFrame:
    """An earlier, different version of `count` rows, placed before the true rows."""
    true_rows = text.slice(100, count)
    variants = true_rows.with_columns(agency_code=pl.lit("H60.99"), status_code=pl.lit("4"))
    return pl.concat([text.head(100), variants, text.slice(100)])
