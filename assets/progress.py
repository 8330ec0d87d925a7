"""Progress of a run as it goes: each line an asset logs for the Dagster UI also goes to a plain
Python logger, which `danvan run` prints (otherwise a 10M-row ingest is 40 s of silence). Lines
hold periods, table names, counts and times, never cell values."""

import logging

PROGRESS = logging.getLogger("danvan.progress")


def report(context, message: str) -> None:
    context.log.info(message)
    PROGRESS.info(message)
