"""Which units the sample data of a year is drawn from."""

import datetime as dt
import functools

import polars as pl

from warehouse.agencies import agencies
from warehouse.reference import admin_units


@functools.cache
def binh_thuan() -> tuple[str, ...]:
    """The codes of old Bình Thuận (60), the calibrated 2024 province: the province, its
    districts and their communes (all validity intervals)."""
    units = admin_units()
    districts = units.filter(pl.col("parent_code") == "60")["code"].unique().to_list()
    communes = units.filter(pl.col("parent_code").is_in(districts))["code"].unique().to_list()
    return ("60", *districts, *communes)


def in_force(start: dt.date, end: dt.date) -> pl.DataFrame:
    """Every unit of the scope in force from `start` to `end`, with the level as exports write it
    (`level_vi`), its old province (`province`: 60, 67 or 68) and its agency from the agency
    list (the sample's People's Committee or service point; NULL for a province, whose dossiers
    go to the department of their procedure)."""
    units = admin_units().filter(
        (pl.col("valid_from").is_null() | (pl.col("valid_from") <= start))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= end))
    )
    district_province = units.filter(pl.col("level") == "district").select(
        pl.col("code").alias("parent_code"), pl.col("parent_code").alias("grandparent")
    )
    listed = agencies().filter(
        (pl.col("level") != "province")
        & (pl.col("valid_from").is_null() | (pl.col("valid_from") <= start))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= end))
    )
    return (
        units.join(district_province, on="parent_code", how="left")
        .join(
            listed.select(pl.col("admin_unit_code").alias("code"), "agency_code"),
            on="code",
            how="left",
        )
        .select(
            "code",
            "name",
            "unit_type",
            level_vi=pl.when(pl.col("level") == "province")
            .then(pl.lit("Tỉnh"))
            .when(pl.col("level") == "district")
            .then(pl.lit("Huyện"))
            .when(pl.col("unit_type") == "Đặc khu")
            .then(pl.lit("Đặc khu"))
            .otherwise(pl.lit("Xã")),
            province=pl.coalesce("grandparent", "parent_code", "code"),
            agency_code="agency_code",
        )
        .sort("code")
    )
