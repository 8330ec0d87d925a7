"""The Dagster code location (`workspace.yaml`, `dagster dev`, `dagster job execute -m …`)."""

from assets.definitions import defs

__all__ = ["defs"]
