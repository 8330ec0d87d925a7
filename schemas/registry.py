"""Every source the pipeline reads, by name."""

from schemas import dossiers, engagement, feedback, models, procedures, welfare
from schemas.spec import SourceSpec

SOURCES: dict[str, SourceSpec] = {
    spec.name: spec
    for spec in (
        dossiers.SPEC,
        procedures.SPEC,
        engagement.SPEC,
        feedback.SPEC,
        welfare.SPEC,
        models.SPEC,
    )
}
