import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(autouse=True)
def _pii_key(monkeypatch):
    monkeypatch.setenv("DANVAN_PII_KEY", "test-key")


@pytest.fixture(autouse=True, scope="session")
def _dagster_home(tmp_path_factory):
    """`danvan run` records into DAGSTER_HOME, else the project's .dagster (what `make ui`
    shows): the tests' commands record into a throw-away instance instead."""
    previous = os.environ.get("DAGSTER_HOME")
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copyfile(Path(__file__).parents[1] / ".dagster/dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    yield
    if previous is None:
        os.environ.pop("DAGSTER_HOME", None)
    else:
        os.environ["DAGSTER_HOME"] = previous


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The calibrated demo (scale 1) generated and run once for the whole session."""
    from pipelines.generate import generate
    from pipelines.runner import run_pipeline
    from warehouse.settings import Settings

    root = tmp_path_factory.mktemp("demo")
    os.environ["DANVAN_PII_KEY"] = "test-key"
    generate(root / "landing")
    settings = Settings.from_env(root / "landing", root / "data")
    summary = run_pipeline(settings, echo=lambda _: None)
    return settings, summary


# tests that need the whole calibrated demo year are slow by nature: `make test` leaves them to
# `make test-all`; the marker is added here so that a new test on the demo cannot forget it
WHOLE_DEMO_FIXTURES = {"demo"}  # fixtures built on it have it in their closure too


def pytest_collection_modifyitems(items):
    for item in items:
        if WHOLE_DEMO_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
