"""Command line: `ocr-pipeline run | apply-review | evaluate`. Parses, builds a RunConfig, calls the library.

Exit codes (see `errors.ExitCode`): 0 all done; 1 bad usage; 2 some inputs failed
(the others were written); 3 a missing dependency (Tesseract, its `ind` data);
4 OCR failed; 5 a bad catalogue or review file; 6 the output folder cannot be
written (or another run is writing to it); 15 anything else; 130 interrupted
(Ctrl-C: rerun the same command to finish the rest).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import Limits, OcrSettings, RunConfig, default_workers
from .errors import ExitCode, PipelineError

log = logging.getLogger("ocr_pipeline")
_LIMITS = Limits()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ocr-pipeline", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"ocr-pipeline {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="extract every agreement of the inputs into --out")
    r.add_argument("inputs", nargs="+", help="PDF/PNG/JPEG/TIFF files, folders (recursive) or globs")
    r.add_argument("--out", required=True, type=Path, help="output folder")
    r.add_argument("--workers", type=int, default=default_workers(),
                   help="worker processes, one OCR thread each (default: every core, here %(default)s)")
    r.add_argument("--force", action="store_true", help="redo inputs the resume ledger says are done")
    r.add_argument("--dpi", type=int, default=300, help="resolution PDF pages are rendered at (default 300)")
    r.add_argument("--corrections", type=Path, default=Path("corrections"),
                   help="folder of the catalogue, lexicon and review decisions (default: %(default)s)")
    r.add_argument("--catalogue", type=Path, help="an indicator catalogue CSV instead of the one in --corrections")
    r.add_argument("--lang", default=OcrSettings().lang, help="tesseract language(s) (default %(default)s)")
    r.add_argument("--keep-work", action="store_true", help="keep the cleaned page images in DIR/.work")
    r.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run on the Dask cluster of this scheduler instead of --workers local processes "
                        "(pip install 'ocr-pipeline[cluster]'; inputs and --out on a filesystem every "
                        "worker sees; see docs/batch.md)")
    r.add_argument("--max-pages", type=int, default=_LIMITS.max_pages, help="pages per file (default %(default)s)")
    r.add_argument("--max-file-mb", type=float, default=_LIMITS.max_file_mb, help="file size (default %(default)s)")
    r.add_argument("--max-page-megapixels", type=float, default=_LIMITS.max_page_megapixels,
                   help="pixels of one page, in millions (default %(default)s)")
    r.add_argument("--seconds-per-page", type=float, default=_LIMITS.seconds_per_page,
                   help="tesseract timeout per call (default %(default)s)")
    _verbosity(r)

    a = sub.add_parser("apply-review", help="keep an auditor's decisions and apply them to --out")
    a.add_argument("review_csv", type=Path, help="a run's review.csv with decision / corrected_value filled")
    a.add_argument("--out", required=True, type=Path, help="output folder of the run to update")
    a.add_argument("--corrections", type=Path, default=Path("corrections"),
                   help="folder where the decisions are kept, in reviews.json (default: %(default)s)")
    _verbosity(a)

    e = sub.add_parser("evaluate", help="score extracted agreements against truth files")
    e.add_argument("output_dir", type=Path)
    e.add_argument("truth", nargs="+", type=Path, help="truth files (JSON lists) or folders of *.truth.json")
    e.add_argument("--json", type=Path, help="also write every figure as JSON here")
    _verbosity(e)
    return p


def _verbosity(p: argparse.ArgumentParser) -> None:
    p.add_argument("-v", "--verbose", action="count", default=0, help="more log lines (-vv: debug)")
    p.add_argument("-q", "--quiet", action="store_true", help="errors only")


def _logging(args: argparse.Namespace) -> None:
    level = logging.ERROR if args.quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(message)s", stream=sys.stderr, force=True)


def _run(args: argparse.Namespace) -> int:
    from . import pipeline

    config = RunConfig(
        out_dir=args.out, dpi=args.dpi, corrections=args.corrections, catalogue=args.catalogue, workers=args.workers, force=args.force,
        keep_work=args.keep_work, scheduler=args.scheduler,
        ocr=OcrSettings(lang=args.lang),
        limits=Limits(args.max_file_mb, args.max_pages, args.max_page_megapixels, args.seconds_per_page),
    )
    summary = pipeline.run(args.inputs, config, progress=None if args.quiet else pipeline.stderr_progress())
    for o in summary.outcomes:
        if o.status == "failed":
            print(f"failed: {o.error}", file=sys.stderr)
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
    return summary.exit_code


def _apply_review(args: argparse.Namespace) -> int:
    from . import pipeline, review

    result = review.apply_review(args.review_csv, args.out, args.corrections)
    pipeline.write_views(args.out, result.documents, result.manifest, result.decisions)
    for line in result.unmatched:
        print(f"not applied: {line}", file=sys.stderr)
    if not args.quiet:
        print(result.line(), file=sys.stderr)
    return int(ExitCode.ok)


def _evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate

    report = evaluate(args.output_dir, args.truth)
    print(report.format())
    if args.json:
        from .stages.export import atomic_write, dumps

        atomic_write(args.json, dumps(report.to_json()))
    return int(ExitCode.ok)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage; our code for that is 1
        return int(ExitCode.bad_args) if exc.code not in (0, None) else 0
    _logging(args)
    try:
        return {"run": _run, "apply-review": _apply_review, "evaluate": _evaluate}[args.command](args)
    except PipelineError as exc:
        log.error("%s", exc, exc_info=args.verbose > 0)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        log.error("interrupted; rerun the same command to finish the rest")
        return 130
    except Exception as exc:  # a bug or a library's crash: one line; the traceback only with -v
        log.error("unexpected error: %s: %s (a bug: rerun with -v for the traceback and report it)",
                  type(exc).__name__, exc, exc_info=args.verbose > 0)
        return int(ExitCode.other)


__all__ = ["main"]
