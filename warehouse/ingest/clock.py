"""The time a delivery was exported, as far as it can be trusted for the "date in the future"
rule. A file's modification time is not: unzip, copies and mail gateways set it to the time of
the copy, 1980 or the sender's wrong clock. The export stamp in the name is what the system
wrote; without one, the pipeline's own clock now is the latest the file can have been exported."""

from __future__ import annotations

import datetime as dt

from schemas.landing import Delivery


def trusted_export_time(delivery: Delivery, now: dt.datetime | None = None) -> dt.datetime:
    """The export stamp if the name has one, never later than now; else now."""
    now = now or dt.datetime.now()
    return min(delivery.exported_at, now) if delivery.stamp else now
