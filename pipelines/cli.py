"""The `danvan` command: generate, run, demo, ui, scorecard, report, dictionary, bench."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
from pathlib import Path

from warehouse.settings import MissingKeyError, Settings, pii_key


def _generate(args: argparse.Namespace) -> int:
    from pipelines.disk import NotEnoughDisk, require_room
    from pipelines.generate import LANDING_BYTES_PER_ROW, ROWS_AT_SCALE_1, YEARS, generate

    if args.year not in YEARS:
        years = ", ".join(str(y) for y in YEARS)
        print(f"error: no sample data for {args.year}: --year {years}", file=sys.stderr)
        return 2
    need = round(args.scale * ROWS_AT_SCALE_1 * LANDING_BYTES_PER_ROW)
    try:
        what = f"generating at scale {args.scale:g}"
        require_room(Path(args.out), need, what, "Free some space or ask for a smaller --scale.")
    except NotEnoughDisk as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        report = generate(
            Path(args.out),
            year=args.year,
            seed=args.seed,
            scale=args.scale,
            as_of=args.as_of,
            echo=print,
        )
    except ValueError as error:  # an --as-of with no full month of the year before it
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {report.files} files, {report.dossier_rows:,} dossier rows into {args.out}")
    return 0


def _run(args: argparse.Namespace) -> int:
    return _run_and_summarise(args)[0]


def _run_and_summarise(args: argparse.Namespace):
    """(exit code, the run's summary or None when it could not start)."""
    from pipelines.instance import home, project_instance
    from pipelines.runner import format_summary, run_pipeline
    from warehouse.ingest import check_ingest_settings

    settings = Settings.from_env(args.landing, args.data_dir)
    try:
        pii_key()
        check_ingest_settings()
    except (MissingKeyError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2, None
    if not settings.landing_dir.exists():
        print(f"error: landing folder {settings.landing_dir} does not exist", file=sys.stderr)
        return 2, None
    # recorded where `make ui` looks: its runs, checks and metadata are there when it opens
    print(f"(runs recorded in the Dagster instance {home()})")
    with project_instance() as instance:
        summary = run_pipeline(settings, rebuild=args.rebuild, instance=instance)
    print(format_summary(summary))
    return (0 if summary.ok else 1), summary


def _scorecard(args: argparse.Namespace) -> int:
    from warehouse.coverage import NoDataError
    from warehouse.scorecard import (
        PUBLISHED_YEAR,
        compare_published,
        format_comparison,
        format_scorecard,
        read_scorecard,
    )

    if args.year is None and args.compare_published:
        args.year = PUBLISHED_YEAR
    if args.compare_published and args.year != PUBLISHED_YEAR:
        print(
            f"error: --compare-published: the province's published figures are those of "
            f"{PUBLISHED_YEAR}, not {args.year}",
            file=sys.stderr,
        )
        return 2
    path = _published(args.data_dir)
    if path is None or not _with_year(args, path):
        return 2
    try:
        scorecard = read_scorecard(path, args.year)
    except (FileNotFoundError, NoDataError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(format_scorecard(scorecard, args.year))
    if args.compare_published:
        print(format_comparison(compare_published(scorecard)))
    return 0


def _published(data_dir: str | None) -> Path | None:
    """The published file, or None after telling the user to run the pipeline first."""
    path = Settings.from_env(None, data_dir).data_dir / "reporting.duckdb"
    if not path.exists():
        print(f"error: {path} does not exist yet: run `danvan run` first", file=sys.stderr)
        return None
    return path


def _with_year(args: argparse.Namespace, path: Path) -> bool:
    """Without --year, the latest year any source has rows in; False (told) if there is none."""
    if args.year is not None:
        return True
    import duckdb

    from warehouse.coverage import latest_year_with_data

    con = duckdb.connect(str(path), read_only=True)
    try:
        args.year = latest_year_with_data(con)
    finally:
        con.close()
    if args.year is None:
        print(f"error: {path} holds no data for any year yet", file=sys.stderr)
    return args.year is not None


def _dictionary(args: argparse.Namespace) -> int:
    import duckdb

    from warehouse.dictionary import markdown, missing_comments

    path = _published(args.data_dir)
    if path is None:
        return 2
    con = duckdb.connect(str(path), read_only=True)
    try:
        missing, text = missing_comments(con), markdown(con)
    finally:
        con.close()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    if missing:
        print("error: no comment on " + ", ".join(missing), file=sys.stderr)
        return 1
    return 0


def _report(args: argparse.Namespace) -> int:
    from warehouse.coverage import NoDataError
    from warehouse.report import write

    path = _published(args.data_dir)
    if path is None or not _with_year(args, path):
        return 2
    out = Path(args.out or path.parent / "reports" / f"bao_cao_{args.year}.html")
    try:
        print(f"wrote {write(path, args.year, out)}")
    except NoDataError as error:
        print(f"error: {error}; no report written", file=sys.stderr)
        return 2
    return 0


def _at_least_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {text!r}")
    return int(text)


def _bench(args: argparse.Namespace) -> int:
    from pipelines.bench import markdown, run_bench
    from pipelines.disk import NotEnoughDisk

    try:
        result = run_bench(
            args.rows,
            Path(args.out),
            repeat=args.repeat,
            one_file=args.one_file,
            keep_files=args.keep_files,
        )
    except NotEnoughDisk as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(markdown(result))
    print(f"report: {Path(args.out) / 'bench.json'}, {Path(args.out) / 'bench.md'}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    os.environ["DANVAN_DEMO"] = "1"  # sample data: the public demo key is acceptable
    settings = Settings.from_env(None, None)
    landing = settings.landing_dir
    if not landing.exists() or not any(landing.rglob("*.*")):
        from pipelines.generate import DEMO_SCALES

        share = DEMO_SCALES[2026] * args.scale
        volumes = f" (sample data at {share:.0%} of real volumes: docs/sample_data.md)"
        for year, scale in DEMO_SCALES.items():
            print(f"== generating the sample exports of {year} into {landing}")
            code = _generate(
                parser().parse_args(
                    ["generate", "--out", str(landing), "--year", str(year)]
                    + ["--seed", str(args.seed), "--scale", str(scale * args.scale)]
                )
            )
            if code:
                return code
    else:
        volumes = ""
        print(f"== {landing} already has files: using them (empty it to regenerate)")
    # the same arguments as `danvan run` and `danvan scorecard` would get
    print("== running the pipeline")
    code, summary = _run_and_summarise(parser().parse_args(["run"]))
    print(f"== scorecard 2026{volumes}")
    shown = _scorecard(parser().parse_args(["scorecard", "--year", "2026"]))
    print("== the 2024 calibration")
    shown = shown or _calibration()
    if summary is not None and summary.failed_checks:
        from pipelines.generate.defects import explain_failed_checks

        print("== checks that did not pass")
        print(explain_failed_checks(summary.failed_checks))
    return code or shown


def _calibration() -> int:
    """The published 2024 figures beside the computed ones."""
    from warehouse.scorecard import compare_published, format_comparison, read_scorecard

    path = Settings.from_env(None, None).data_dir / "reporting.duckdb"
    print(format_comparison(compare_published(read_scorecard(path, 2024))))
    return 0


def _ui(args: argparse.Namespace) -> int:
    from pipelines.ui import serve

    return serve(args.host, args.port)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="danvan",
        description="Mass-mobilisation and administrative-reform warehouse (DuckDB + Dagster).",
    )
    commands = main.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write sample exports for a year")
    generate.add_argument("--out", required=True, help="landing folder to write into")
    generate.add_argument("--year", type=int, default=2024)
    generate.add_argument("--seed", type=int, default=20240101)
    generate.add_argument(
        "--scale", type=float, default=1.0, help="multiply dossier volumes (1 = calibrated)"
    )
    generate.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        help="export date of 2026's files, which hold the months before it "
        "(default: the sample's today, docs/sample_data.md)",
    )
    generate.set_defaults(handler=_generate)

    run = commands.add_parser("run", help="ingest, validate, model and publish everything")
    run.add_argument("--landing", help="landing folder (default $DANVAN_LANDING_DIR)")
    run.add_argument("--data-dir", help="data folder (default $DANVAN_DATA_DIR)")
    run.add_argument(
        "--rebuild",
        action="store_true",
        help="rebuild every table whole, even those whose inputs did not change",
    )
    run.set_defaults(handler=_run)

    demo = commands.add_parser(
        "demo",
        help="generate 2024–2026 (if empty), run, print the 2026 scorecard, the 2024 calibration",
    )
    demo.add_argument("--seed", type=int, default=20240101)
    demo.add_argument("--scale", type=float, default=1.0, help="multiply every year's volumes")
    demo.set_defaults(handler=_demo)

    ui = commands.add_parser("ui", help="the Dagster UI and daemon on the project's instance")
    ui.add_argument("--host", default="127.0.0.1")
    ui.add_argument("--port", type=int, default=3000)
    ui.set_defaults(handler=_ui)

    scorecard = commands.add_parser("scorecard", help="print the yearly scorecard")
    scorecard.add_argument("--year", type=int, help="the year (default: the latest year with data)")
    scorecard.add_argument("--data-dir", help="data folder (default $DANVAN_DATA_DIR)")
    scorecard.add_argument(
        "--compare-published", action="store_true", help="show the published 2024 figures beside"
    )
    scorecard.set_defaults(handler=_scorecard)

    dictionary = commands.add_parser("dictionary", help="write the data dictionary (markdown)")
    dictionary.add_argument("--out", default="docs/data_dictionary.md")
    dictionary.add_argument("--data-dir", help="data folder (default $DANVAN_DATA_DIR)")
    dictionary.set_defaults(handler=_dictionary)

    report = commands.add_parser("report", help="write the yearly HTML report")
    report.add_argument("--year", type=int, help="the year (default: the latest year with data)")
    report.add_argument("--out", help="HTML file (default <data>/reports/bao_cao_<year>.html)")
    report.add_argument("--data-dir", help="data folder (default $DANVAN_DATA_DIR)")
    report.set_defaults(handler=_report)

    bench = commands.add_parser("bench", help="pipeline vs the raw DuckDB floor, same files")
    bench.add_argument("--rows", type=int, default=200_000, help="dossier rows to generate")
    bench.add_argument("--out", default="data/bench", help="folder for files and the report")
    bench.add_argument(
        "--repeat", type=_at_least_one, default=1, help="full + incremental runs, best taken"
    )
    bench.add_argument(
        "--one-file",
        type=_at_least_one,
        nargs="*",
        default=[],
        metavar="ROWS",
        help="also run on one month's file of ROWS rows (national scale), for each ROWS",
    )
    bench.add_argument(
        "--keep-files",
        action="store_true",
        help="keep the generated landing and the runs' data folder under --out",
    )
    bench.set_defaults(handler=_bench)
    return main


def main(argv: list[str] | None = None) -> int:
    from schemas.status_codes import StatusCodesError
    from warehouse.reference import ScopeError

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except (StatusCodesError, ScopeError) as error:  # a setting, found while loading the specs
        print(f"error: {error}", file=sys.stderr)
        return 2


def console() -> None:
    """The installed `danvan` command: main, then exit without Python's last garbage
    collection. It walks every object Dagster, GX and pandera made only to free memory the
    process is about to give back;
    files and databases are closed by then, and atexit handlers still run."""
    try:
        code = main()
    except KeyboardInterrupt:  # Ctrl-C: what was written stands (every write is atomic)
        print("interrupted", file=sys.stderr)
        code = 130
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    console()
