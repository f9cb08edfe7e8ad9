"""`python -m ocr_pipeline.simulate samples|corpus`: write simulated scans with their truth.

    python -m ocr_pipeline.simulate samples --out scans/
    python -m ocr_pipeline.simulate corpus --out DIR --n 40 --levels clean,mild,medium,hard --seed 7

Both read the seed truth (`--truth`, default truth/kpu-bontang-2026.json) as the
template of KPU-style documents. Exit codes are the pipeline's (`errors.ExitCode`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import BadArgsError, ExitCode, PipelineError
from . import corpus

log = logging.getLogger("ocr_pipeline.simulate")

DEFAULT_TRUTH = Path("truth/kpu-bontang-2026.json")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ocr_pipeline.simulate",
                                description="Draw truth bundles as scanned office documents.")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging and tracebacks")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("samples", help="the few small sample scans of scans/")
    s.add_argument("--out", type=Path, default=Path("scans"))
    s.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    s.add_argument("--seed", type=int, default=2026)
    c = sub.add_parser("corpus", help="a larger benchmark corpus")
    c.add_argument("--out", type=Path, required=True)
    c.add_argument("--n", type=int, default=20, help="number of documents")
    c.add_argument("--levels", default="clean,mild,medium,hard",
                   help="comma-separated scan levels, cycled through")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    c.add_argument("--dpi", default="200,300", help="output dpi, one or a comma-separated choice")
    c.add_argument("--color-prob", type=float, default=0.2,
                   help="share of colour scans (the rest are greyscale)")
    c.add_argument("--bullet", choices=("-", "•", "a.", "none"),
                   help="the mark of every list's items (none: lists without marks); default: varied")
    c.add_argument("--jobs", type=int, default=1, help="processes; output does not depend on it")
    return p


def _ints(text: str, what: str) -> list[int]:
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise BadArgsError(f"{what} must be comma-separated integers, not {text!r}") from None


def run(args: argparse.Namespace) -> int:
    if args.command == "samples":
        template = corpus.load_template(args.truth)
        specs = corpus.sample_specs(template, args.seed)
    else:
        if args.n < 1:
            raise BadArgsError("--n must be at least 1")
        template = corpus.load_template(args.truth)
        levels = [v.strip() for v in args.levels.split(",") if v.strip()]
        dpis = _ints(args.dpi, "--dpi")
        if not dpis or any(d not in (200, 300) for d in dpis):
            raise BadArgsError("--dpi must be 200, 300 or 200,300")
        bullet = {"none": ""}.get(args.bullet, args.bullet)
        specs = corpus.corpus_specs(template, args.n, levels, args.seed, dpis, args.color_prob, bullet)
    written = corpus.write_all(specs, args.out, max(1, getattr(args, "jobs", 1)))
    total = sum(w.bytes for w in written)
    log.info("%d documents, %d pages, %.1f MB in %s", len(written),
             sum(w.pages for w in written), total / 1e6, args.out)
    return ExitCode.ok


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(levelname)s %(message)s", stream=sys.stderr)
    try:
        return int(run(args))
    except PipelineError as exc:
        log.error("%s", exc, exc_info=args.verbose)
        return int(exc.exit_code)
    except ValueError as exc:
        log.error("%s", exc, exc_info=args.verbose)
        return int(ExitCode.bad_args)


if __name__ == "__main__":
    sys.exit(main())
