"""The landing inventory: files no source claims and the province's reference files, brought
under the data folder (warehouse/inventory.py) so that no table reads the landing folder."""

import dagster as dg

from assets.names import LANDING_INVENTORY, OWNERS
from assets.progress import report
from assets.resources import DanvanResource
from warehouse.inventory import record_landing


@dg.asset(
    name=LANDING_INVENTORY,
    description=(
        "Files of the landing folder that fit no source (recorded in load_audit as rejected, "
        "with the reason) and the province's own reference files (`reference/agencies.csv`, "
        "else the shipped sample list), staged under the data folder."
    ),
    group_name="landing",
    owners=OWNERS,
    kinds={"json"},
)
def landing_inventory(
    context: dg.AssetExecutionContext, danvan: DanvanResource
) -> dg.MaterializeResult:
    inventory = record_landing(danvan.landing, danvan.paths)
    unmatched = [
        {"file": item.path.relative_to(danvan.landing).as_posix(), "reason": item.reason}
        for item in inventory.unmatched
    ]
    staged = ", ".join(inventory.reference_files) or "none (the sample agencies apply)"
    report(
        context,
        f"{LANDING_INVENTORY}: {len(unmatched)} file(s) fit no source; reference files: {staged}",
    )
    return dg.MaterializeResult(
        metadata={
            "unmatched_files": len(unmatched),
            "unmatched": dg.MetadataValue.json(unmatched),
            "reference_files": staged,
        }
    )
