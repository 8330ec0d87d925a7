"""The national roll-up's code location (docs/scale-out.md; `-m pipelines.national_definitions`,
or a workspace entry beside `pipelines.definitions`)."""

from assets.national_definitions import defs

__all__ = ["defs"]
