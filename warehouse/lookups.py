"""Lookup tables of the coded columns (dim_dossier_status, dim_organisation, …).

Each code and its Vietnamese label come from the schema that reads the column — the one place
the code is defined — so a lookup cannot list a code the pipeline does not accept, or miss one
it does. Only the English text is written here; a code without it stops the build, naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from schemas import dossiers, feedback, welfare
from schemas.reasons import REASONS


@dataclass(frozen=True)
class Lookup:
    name: str  # the table is dim_<name>
    fact: str  # the fact table whose column it decodes
    column: str  # the column, named alike in the fact and in the lookup
    codes: tuple[tuple[object, str], ...]  # (code, Vietnamese label) in the schema's order
    english: dict  # code → English text

    @property
    def table(self) -> str:
        return f"dim_{self.name}"

    def frame(self) -> pl.DataFrame:
        codes = [code for code, _ in self.codes]
        missing = [c for c in codes if c not in self.english]
        unknown = [c for c in self.english if c not in codes]
        if missing or unknown:
            raise ValueError(
                f"{self.table}: English text missing for {missing} / given for codes the "
                f"schema does not define {unknown} (warehouse/lookups.py)"
            )
        return pl.DataFrame(
            {
                "lookup": [self.name] * len(codes),
                "code": [str(c) for c in codes],
                "name_vi": [vi for _, vi in self.codes],
                "name_en": [self.english[c] for c in codes],
                "sort_order": list(range(1, len(codes) + 1)),
            }
        )


def _first_label(labels: dict[str, int]) -> tuple[tuple[int, str], ...]:
    """code → the first label the schema maps to it (the others are aliases of it)."""
    found: dict[int, str] = {}
    for label, code in labels.items():
        found.setdefault(code, label)
    return tuple(sorted(found.items()))


def _same(labels) -> tuple[tuple[str, str], ...]:
    """Columns whose code is the Vietnamese label itself."""
    return tuple((label, label) for label in labels)


LOOKUPS: tuple[Lookup, ...] = (
    Lookup(
        "dossier_status",
        "fact_dossier",
        "status_code",
        _first_label(dossiers.STATUS_LABELS),
        {
            1: "Registered online, not yet accepted",
            2: "Accepted",
            3: "Not accepted (refused at intake)",
            4: "Being processed",
            5: "Supplementary documents requested",
            6: "Financial obligation requested",
            7: "Withdrawn at the applicant's request",
            8: "Processing stopped",
            9: "Processed",
            10: "Result returned",
        },
    ),
    Lookup(
        "dossier_channel",
        "fact_dossier",
        "channel",
        _first_label(dossiers.CHANNELS),
        {1: "In person", 2: "Online", 3: "Public postal service"},
    ),
    Lookup(
        "dossier_rating",
        "fact_dossier",
        "rating",
        _same(dossiers.RATINGS),
        {
            "Rất hài lòng": "Very satisfied",
            "Hài lòng": "Satisfied",
            "Bình thường": "Neutral",
            "Không hài lòng": "Not satisfied",
        },
    ),
    Lookup(
        "feedback_status",
        "fact_feedback",
        "status",
        _same((feedback.HANDLED, feedback.IN_PROGRESS, feedback.REFUSED)),
        {
            feedback.HANDLED: "Handled",
            feedback.IN_PROGRESS: "In progress",
            feedback.REFUSED: "Refused",
        },
    ),
    Lookup(
        "feedback_channel",
        "fact_feedback",
        "channel",
        _same(feedback.CHANNELS),
        {
            "Cổng DVCQG": "National public service portal",
            "Cổng tỉnh": "Provincial portal",
            "Đường dây nóng": "Hotline",
            "Trực tiếp": "In person",
            "Đối thoại": "Dialogue",
            "Tiếp công dân": "Citizen reception",
        },
    ),
    Lookup(
        "organisation",
        "fact_welfare_activity",
        "org_code",
        tuple((code, text.split(" — ")[0]) for code, text in welfare.ORGANISATIONS.items()),
        {code: text.split(" — ")[1] for code, text in welfare.ORGANISATIONS.items()},
    ),
    Lookup(
        "support_type",
        "fact_welfare_activity",
        "support_type",
        _same(welfare.SUPPORT_TYPES),
        {
            welfare.GIFT: "Gift",
            welfare.SCHOLARSHIP: "Scholarship",
            welfare.HOUSE_NEW: "House built",
            welfare.HOUSE_REPAIR: "House repaired",
            welfare.OTHER: "Other support",
        },
    ),
)


def reasons_frame() -> pl.DataFrame:
    """The reason codes of quarantined rows and rejected files, in their declared order: the
    reference table ref_quarantine_reasons of the build (dim_quarantine_reason)."""
    rows = list(REASONS.values())
    return pl.DataFrame(
        {
            "reason_code": [r.code for r in rows],
            "text_vi": [r.text_vi for r in rows],
            "text_en": [r.text_en for r in rows],
            "sort_order": list(range(1, len(rows) + 1)),
        }
    )


def lookups_frame() -> pl.DataFrame:
    """Every lookup's rows, codes as text (each dim_<name>.sql casts its own to the fact's
    type): the reference table ref_lookups of the build."""
    return pl.concat([lookup.frame() for lookup in LOOKUPS])
