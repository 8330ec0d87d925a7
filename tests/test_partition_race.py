"""Two `danvan run`s started at the same moment register the same periods as partitions: the
one that loses the race reads them again and goes on, instead of failing on the clash."""

import dagster as dg
import pytest
from sqlalchemy.exc import IntegrityError

from assets.partitions import add_missing_partitions, dynamic_name
from schemas.registry import SOURCES


def test_keys_added_by_another_process_in_between_are_not_an_error(tmp_path):
    spec = SOURCES["models"]
    with dg.DagsterInstance.ephemeral() as instance:
        add = instance.add_dynamic_partitions
        clashes = []

        def racing(name, keys):
            if not clashes:  # the other run adds the same keys first
                clashes.append(keys)
                add(name, keys)
                raise IntegrityError("insert", {}, Exception("UNIQUE constraint failed"))
            add(name, keys)

        instance.add_dynamic_partitions = racing
        add_missing_partitions(spec, ["2024", "2025"], instance)
        assert clashes == [["2024", "2025"]]
        assert instance.get_dynamic_partitions(dynamic_name(spec)) == ["2024", "2025"]


def test_a_clash_that_persists_is_raised(tmp_path):
    spec = SOURCES["models"]
    with dg.DagsterInstance.ephemeral() as instance:

        def always(name, keys):
            raise IntegrityError("insert", {}, Exception("UNIQUE constraint failed"))

        instance.add_dynamic_partitions = always
        with pytest.raises(IntegrityError):
            add_missing_partitions(spec, ["2024"], instance, attempts=2)
