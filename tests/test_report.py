"""The yearly report: one self-contained HTML file with every chart embedded."""

import base64
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from warehouse.report import write


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.sections, self.external, self.lang = [], 0, [], None
        self.stack = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag == "section":
            self.sections += 1
        for name in ("src", "href"):
            if re.match(r"^(https?:)?//", attrs.get(name) or ""):
                self.external.append(attrs[name])
        if tag not in ("img", "input", "meta", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()


@pytest.fixture(scope="module")
def report(demo, tmp_path_factory):
    settings, _ = demo
    out = tmp_path_factory.mktemp("report") / "bao_cao_2024.html"
    return write(settings.data_dir / "reporting.duckdb", 2024, out)


def test_report_is_self_contained_with_every_chart(report):
    text = report.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    assert page.lang == "vi" and page.stack == [] and page.external == []
    assert page.sections == 8
    assert len(page.images) == 10  # five charts, each in Vietnamese and in English
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    for heading in (
        "Bảng chỉ tiêu năm so với năm trước",
        "Scorecard against the previous year",
        "Chất lượng dữ liệu",
        "Data quality",
        "Decision 766 group scores",
    ):
        assert heading in text
    assert "395.218" in text and "165.340.000.000" in text  # the scorecard, Vietnamese digits
    assert "395,218" in text and "165,340,000,000" in text  # and English ones
    assert "99,03 %" in text and "99.03%" in text  # the on-time rate of every dossier
    assert "Tỉnh Bình Thuận" in text and "Bình Thuận province" in text


def test_report_shows_the_failed_checks_and_the_totals_mismatch_of_the_demo(report):
    text = report.read_text(encoding="utf-8")
    # the injected defects (pipelines/generate/defects.py) as check_results holds them
    for check in (
        "load_audit_totals_reconciled",
        "load_audit_no_rejected_file",
        "fact_dossier_procedure_in_catalogue",
    ):
        assert check in text
    assert "welfare/an_sinh_HND_2024-Q3.csv" in text  # its Tổng cộng row is 1,000,000 VND off
    # 2023 holds two months of dossiers (carried over): the previous-year column says so
    assert "một phần năm: 2/12 tháng" in text and "partial year: 2/12 months" in text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_report_renders_in_headless_chromium_in_both_languages(report, tmp_path):
    """The page as opened (Vietnamese) and with the English toggle checked look different."""
    english = tmp_path / "bao_cao_en.html"
    english.write_text(
        report.read_text(encoding="utf-8")
        .replace("id='lang-vi' checked", "id='lang-vi'")
        .replace("id='lang-en'", "id='lang-en' checked"),
        encoding="utf-8",
    )
    shots = [_screenshot(page, tmp_path / f"{page.stem}.png") for page in (report, english)]
    assert all(shot.stat().st_size > 50_000 for shot in shots)  # charts, not a blank page
    assert shots[0].read_bytes() != shots[1].read_bytes()


def _screenshot(page, shot):
    done = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={shot.parent / 'profile'}",
            "--window-size=1100,2400",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-1000:]
    return shot
