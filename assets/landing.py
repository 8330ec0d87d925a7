"""The landing inventory: files no source claims and the province's reference files, brought
under the data folder (warehouse/inventory.py) so that no table reads the landing folder. Its
check turns red (a warning) while the landing folder holds a file that is not loaded."""

import dagster as dg

from assets.names import LANDING_INVENTORY, OWNERS
from assets.progress import report
from assets.resources import DanvanResource
from warehouse.inventory import record_landing

ALL_FILES_MATCHED = f"{LANDING_INVENTORY}_all_files_matched"


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
    check_specs=[
        dg.AssetCheckSpec(
            ALL_FILES_MATCHED,
            asset=LANDING_INVENTORY,
            description="Warning. Every file in the landing folder fits a source's folder and "
            "file-name pattern; a file that does not is listed with the reason (it is not "
            "loaded, and load_audit lists it as rejected).",
        )
    ],
)
def landing_inventory(context: dg.AssetExecutionContext, danvan: DanvanResource):
    inventory = record_landing(danvan.landing, danvan.paths)
    unmatched = [{"file": item.name, "reason": item.reason} for item in inventory.unmatched]
    staged = ", ".join(inventory.reference_files) or "none (the sample agencies apply)"
    report(
        context,
        f"{LANDING_INVENTORY}: {len(unmatched)} file(s) fit no source; reference files: {staged}",
    )
    for item in unmatched:
        context.log.warning(f"{item['file']}: {item['reason']}; not loaded")
    listing = dg.MetadataValue.table(
        records=[dg.TableRecord(item) for item in unmatched],
        schema=dg.TableSchema(columns=[dg.TableColumn("file"), dg.TableColumn("reason")]),
    )
    yield dg.MaterializeResult(
        metadata={
            "unmatched_files": len(unmatched),
            "unmatched": listing,
            "reference_files": staged,
        }
    )
    yield dg.AssetCheckResult(
        check_name=ALL_FILES_MATCHED,
        passed=not unmatched,
        severity=dg.AssetCheckSeverity.WARN,
        description="; ".join(f"{i['file']}: {i['reason']}" for i in unmatched)
        or "every landing file fits a source",
        metadata={"unmatched_files": len(unmatched), "unmatched": listing},
    )
