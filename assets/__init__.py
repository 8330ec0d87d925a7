"""Every Dagster definition of the project."""

import warnings

import dagster as dg

# code references and single-run backfills are beta APIs used on purpose: their notices on
# every load of the definitions are noise
warnings.filterwarnings("ignore", category=dg.BetaWarning)
