"""Asset keys of the graph, said once: a staging asset per source, the landing inventory, one
asset per table (named as the DuckDB table), and what each table's SQL reads mapped to them."""

from schemas.registry import SOURCES
from warehouse.build import REFERENCE_TABLES, STAGING_VIEWS

LANDING_INVENTORY = "landing_inventory"
OWNERS = ["team:danvan-data"]  # who answers for every asset of this code location


def staging_key(source: str) -> str:
    return f"staging_{source}"


STAGING_KEYS = tuple(staging_key(source) for source in SOURCES)

# what a table reads that is not another table → the assets that write it
_PRODUCED_BY = {
    **{f"stg_{source}": (staging_key(source),) for source in SOURCES},
    "stg_quarantine": STAGING_KEYS,
    "stg_audit": (*STAGING_KEYS, LANDING_INVENTORY),
    "ref_agencies": (LANDING_INVENTORY,),
}
assert set(_PRODUCED_BY) <= {*STAGING_VIEWS, *REFERENCE_TABLES}


def upstream_keys(reads: tuple[str, ...], tables: tuple[str, ...]) -> list[str]:
    """The asset keys a table depends on, from the names its SQL reads; reference data shipped
    with the code (units, calendar, 766 weights) has no asset."""
    keys: list[str] = []
    for name in reads:
        for key in (name,) if name in tables else _PRODUCED_BY.get(name, ()):
            if key not in keys:
                keys.append(key)
    return keys
