"""The time a delivery was exported, as far as it can be trusted for the "date in the future"
rule. A file's modification time is not: unzip, copies and mail gateways set it to the time of
the copy, 1980 or the sender's wrong clock. The export stamp in the name is what the system
wrote; without one, the time the pipeline first saw the file is the latest possible export."""

from __future__ import annotations

import datetime as dt

from schemas.landing import Delivery


def trusted_export_time(delivery: Delivery, loaded_at: dt.datetime) -> dt.datetime:
    """The export stamp if the name has one, never later than the load; else the load time."""
    if delivery.stamp:
        return min(delivery.exported_at, loaded_at)
    return loaded_at
