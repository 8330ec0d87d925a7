"""Every source the pipeline reads, by name."""

from schemas import dossiers, procedures
from schemas.spec import SourceSpec

SOURCES: dict[str, SourceSpec] = {spec.name: spec for spec in (dossiers.SPEC, procedures.SPEC)}
