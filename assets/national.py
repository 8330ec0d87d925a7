"""The national roll-up's assets (docs/scale-out.md): a staging asset per monthly source
partitioned by month × province, so that a backfill of the 34 provinces becomes independent
runs through the run queue, each ingesting with the province pipeline's own code
(warehouse.national → warehouse.ingest); then one writer rolling every province up."""

import time
import warnings
from pathlib import Path

import dagster as dg

from assets.names import OWNERS
from assets.partitions import MONTHLY
from assets.progress import report
from schemas.landing import discover
from schemas.registry import SOURCES
from schemas.spec import SourceSpec
from warehouse.ingest import PartitionOutcome, check_ingest_settings
from warehouse.ingest.recount import recount
from warehouse.national import NationalFolders, build_rollup, ingest_province, province_codes
from warehouse.settings import MissingKeyError, pii_key

# partitioned checks are a preview API, used on purpose: one notice per load is noise
warnings.filterwarnings(
    "ignore", category=dg.PreviewWarning, message="Specifying a partitions_def on an AssetCheckSpec"
)

PROVINCE = "province"
NATIONAL_PARTITIONS = dg.MultiPartitionsDefinition(
    {"month": MONTHLY, PROVINCE: dg.StaticPartitionsDefinition(province_codes())}
)
NATIONAL_SOURCES = tuple(name for name, spec in SOURCES.items() if spec.period_kind == "month")
ROLLUP_POOL = "national_duckdb"  # one writer of national.duckdb at a time
ROLLUP = "national_dossier_monthly"


class NationalResource(dg.ConfigurableResource):
    """The national landing folder (one folder per province code) and the data folder."""

    landing_dir: str
    data_dir: str
    duckdb_memory: str = "2GB"  # the roll-up's memory limit (DuckDB spills beyond it)

    @property
    def folders(self) -> NationalFolders:
        return NationalFolders(Path(self.landing_dir), Path(self.data_dir))


def national_key(source: str) -> str:
    return f"national_staging_{source}"


def check_names(source: str) -> dict[str, str]:
    return {rule: f"{national_key(source)}_{rule}" for rule in ("readable", "conservation")}


def _check_specs(key: str, source: str) -> list[dg.AssetCheckSpec]:
    names = check_names(source)
    return [
        dg.AssetCheckSpec(
            names["readable"],
            asset=key,
            blocking=True,
            partitions_def=NATIONAL_PARTITIONS,  # one result per province × month
            description="Every delivery of the province and month can be read and has the "
            "required columns.",
        ),
        dg.AssetCheckSpec(
            names["conservation"],
            asset=key,
            blocking=True,
            partitions_def=NATIONAL_PARTITIONS,
            description="Rows read = rows loaded + quarantined + duplicates, per file.",
        ),
    ]


def _judgements(outcome: PartitionOutcome, broken: list[str]) -> dict[str, tuple[bool, dict]]:
    rejected = [f for f in outcome.files if f.status == "rejected"]
    return {
        "readable": (
            not rejected,
            {"rejected_files": [{"file": f.source_file, "reason": f.message} for f in rejected]},
        ),
        "conservation": (not broken, {"violations": broken}),
    }


def make_national_staging(spec: SourceSpec) -> dg.AssetsDefinition:
    key = national_key(spec.name)
    names = check_names(spec.name)

    @dg.asset(
        name=key,
        description=(
            f"{spec.title}, of every province: files in `<national landing>/<province code>/"
            f"{spec.folder}/` named `{spec.file_pattern}`, ingested as the province pipeline "
            "ingests them, into `<data>/national/province=<code>/`."
        ),
        group_name="national",
        owners=OWNERS,
        kinds={"polars", "parquet"},
        partitions_def=NATIONAL_PARTITIONS,
        # a backfill becomes one run per province (or per month, whichever is fewer), each
        # over the other dimension's range: independent runs, none too small to be worth a
        # process (docs/scale-out.md)
        backfill_policy=dg.BackfillPolicy.single_run(),
        check_specs=_check_specs(key, spec.name),
    )
    def staging(context: dg.AssetExecutionContext, national: NationalResource):
        try:
            secret = pii_key()
            check_ingest_settings()
        except (MissingKeyError, ValueError) as error:
            raise dg.Failure(description=str(error)) from None
        folders = national.folders
        wanted: dict[str, list[str]] = {}  # province → months, in the run's order
        for partition in context.partition_keys:
            by = NATIONAL_PARTITIONS.get_partition_key_from_str(partition).keys_by_dimension
            wanted.setdefault(by[PROVINCE], []).append(by["month"])
        single = context.has_partition_key
        judged: dict[str, dict[str, tuple[bool, dict]]] = {}  # partition → check → result
        for province, months in wanted.items():
            started = time.perf_counter()
            present = _periods_present(folders, province, spec)
            # a range run leaves months without files as they are
            periods = [m for m in months if single or m in present]
            for outcome in ingest_province(
                spec, province, periods, folders, secret, progress=lambda m: report(context, m)
            ):
                partition = f"{outcome.period}|{province}"
                broken = recount(folders.province_data(province), spec.name, outcome)
                judged[partition] = _judgements(outcome, broken)
                context.add_asset_metadata(
                    {
                        "dagster/row_count": outcome.rows_loaded,
                        "rows_quarantined": outcome.rows_quarantined,
                        "files": len(outcome.files),
                        "reused": outcome.reused,
                    },
                    partition_key=partition,
                )
            report(
                context,
                f"{spec.name} province {province}: {len(periods)} month(s) ingested "
                f"({time.perf_counter() - started:.1f} s)",
            )
        yield dg.MaterializeResult()
        yield from _check_results(context, key, names, judged, single)

    return staging


def _periods_present(folders: NationalFolders, province: str, spec: SourceSpec) -> set[str]:
    deliveries, _ = discover(folders.province_landing(province), [spec])
    return {d.period for d in deliveries}


def _check_results(context, key: str, names: dict[str, str], judged, single: bool):
    """One result per check and partition. In a range run the framework cannot tell which
    partition a result is for: each is an evaluation naming its partition and the
    materialisation it judges (the one just recorded)."""
    from dagster._core.definitions.asset_checks.asset_check_evaluation import (
        AssetCheckEvaluationTargetMaterializationData as Target,
    )

    if single:
        for checks in judged.values():
            for rule, (passed, metadata) in checks.items():
                yield dg.AssetCheckResult(
                    check_name=names[rule], passed=passed, metadata=_metadata(metadata)
                )
        return
    for rule in names:
        check = dg.AssetCheckKey(dg.AssetKey(key), names[rule])
        yield dg.Output(
            None, output_name=context.assets_def.get_output_name_for_asset_check_key(check)
        )
    for partition, checks in judged.items():
        latest = context.instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey(key), asset_partitions=[partition]),
            limit=1,
        ).records[0]
        for rule, (passed, metadata) in checks.items():
            yield dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(key),
                check_name=names[rule],
                partition=partition,
                passed=passed,
                metadata=_metadata(metadata),
                target_materialization_data=Target(
                    storage_id=latest.storage_id, run_id=latest.run_id, timestamp=latest.timestamp
                ),
                blocking=True,
            )


def _metadata(values: dict) -> dict:
    return {name: dg.MetadataValue.json(value) for name, value in values.items()}


NATIONAL_STAGING_ASSETS = [make_national_staging(SOURCES[name]) for name in NATIONAL_SOURCES]


@dg.asset(
    name=ROLLUP,
    description="Hồ sơ TTHC toàn quốc theo tỉnh và tháng — national dossier roll-up per "
    "province × month, in `<data>/national/national.duckdb` (swapped in whole).",
    group_name="national",
    owners=OWNERS,
    kinds={"duckdb", "sql"},
    deps=[national_key("dossiers")],
    pool=ROLLUP_POOL,
)
def national_dossier_monthly(
    context: dg.AssetExecutionContext, national: NationalResource
) -> dg.MaterializeResult:
    started = time.perf_counter()
    try:
        counts = build_rollup(national.folders, national.duckdb_memory)
    except FileNotFoundError as error:
        raise dg.Failure(description=str(error)) from None
    seconds = round(time.perf_counter() - started, 2)
    report(
        context,
        f"{ROLLUP}: {counts['rows']:,} province-months, {counts['dossiers']:,} dossier rows "
        f"({seconds} s)",
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": counts["rows"],
            "dossier_rows": counts["dossiers"],
            "path": dg.MetadataValue.path(str(national.folders.rollup_db)),
            "seconds": seconds,
        }
    )
