"""Every Dagster definition of the project."""

import warnings

import dagster as dg

# code references and single-run backfills are beta APIs used on purpose: their notices on
# every load of the definitions are noise
warnings.filterwarnings("ignore", category=dg.BetaWarning)
# so are per-partition check results (a preview API): the only way a check shows per period
warnings.filterwarnings(
    "ignore", message="Specifying a partitions_def on an AssetCheckSpec", category=dg.PreviewWarning
)
