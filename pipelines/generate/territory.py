"""Which units the sample data of a year is drawn from."""

import functools

import polars as pl

from warehouse.reference import admin_units


@functools.cache
def binh_thuan() -> tuple[str, ...]:
    """The codes of old Bình Thuận (60), the calibrated 2024 province: the province, its
    districts and their communes (all validity intervals)."""
    units = admin_units()
    districts = units.filter(pl.col("parent_code") == "60")["code"].unique().to_list()
    communes = units.filter(pl.col("parent_code").is_in(districts))["code"].unique().to_list()
    return ("60", *districts, *communes)
