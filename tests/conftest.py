import os

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(autouse=True)
def _pii_key(monkeypatch):
    monkeypatch.setenv("DANVAN_PII_KEY", "test-key")


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The calibrated demo (scale 1) generated and run once for the whole session."""
    from pipelines.generate import generate
    from pipelines.runner import run_pipeline
    from pipelines.settings import Settings

    root = tmp_path_factory.mktemp("demo")
    os.environ["DANVAN_PII_KEY"] = "test-key"
    generate(root / "landing")
    settings = Settings.from_env(root / "landing", root / "data")
    summary = run_pipeline(settings, echo=lambda _: None)
    return settings, summary
