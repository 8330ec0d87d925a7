"""The one generic ingest path: landed files of a source × period → staging + quarantine + audit.

`periods` runs several periods of a source, `partition` one period (the newest delivery of each
slot wins), `one_file` one file (read, parse, validate, split), `rules` the rules in bulk.
Rows read = rows loaded + rows quarantined + duplicate rows, for every file.
"""

from warehouse.ingest.context import IngestContext
from warehouse.ingest.outcomes import QUARANTINE_SCHEMA, FileOutcome, PartitionOutcome
from warehouse.ingest.partition import ingest_partition
from warehouse.ingest.periods import StorageFailed, describe_os_error, ingest_periods
from warehouse.ingest.settings import check_ingest_settings

__all__ = [
    "QUARANTINE_SCHEMA",
    "FileOutcome",
    "IngestContext",
    "PartitionOutcome",
    "StorageFailed",
    "check_ingest_settings",
    "describe_os_error",
    "ingest_partition",
    "ingest_periods",
]
