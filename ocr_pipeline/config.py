"""Settings of a run, frozen, with checks in `__post_init__`.

`RunConfig` holds everything that changes results (it is hashed into the resume
ledger's key) plus the knobs that do not (workers, progress, verbosity).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import BadArgsError


def default_workers() -> int:
    """Every core this process may run on (its CPU affinity, which containers narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits on one input; beyond them the file fails with a clear message."""

    max_file_mb: float = 500.0
    max_pages: int = 500
    max_page_megapixels: float = 60.0  # pixels of one page at the run's dpi, in millions
    seconds_per_page: float = 180.0  # tesseract timeout per call

    def __post_init__(self) -> None:
        for name in ("max_file_mb", "max_pages", "max_page_megapixels", "seconds_per_page"):
            value = getattr(self, name)
            if not (value > 0 and math.isfinite(value)):  # nan and inf too: no limit is a large number
                raise BadArgsError(f"limit {name} must be a positive number, got {value}")


@dataclass(frozen=True, slots=True)
class CleanupSettings:
    """Image cleanup steps; each can be switched off (the benchmark measures each)."""

    orientation: bool = True
    deskew: bool = True
    max_skew: float = 6.0  # degrees searched either way
    normalise_light: bool = True
    remove_margins: bool = True
    suppress_colour: bool = True
    denoise: bool = True
    remove_rules: bool = True  # OCR reads the page without its ruling lines


@dataclass(frozen=True, slots=True)
class OcrSettings:
    lang: str = "ind+eng"  # measured: eng reads "%" that ind misreads (README, OCR languages)
    psm: int = 3

    def __post_init__(self) -> None:
        if not self.lang or any(not part.isalnum() for part in self.lang.split("+")):
            raise BadArgsError(f"bad tesseract language {self.lang!r}; e.g. 'ind' or 'ind+eng'")
        if not 0 <= self.psm <= 13:
            raise BadArgsError(f"tesseract page segmentation mode must be 0-13, got {self.psm}")


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Everything one `ocr-pipeline run` needs."""

    out_dir: Path
    dpi: int = 300
    corrections: Path = Path("corrections")  # catalogue, lexicon and review decisions
    catalogue: Path | None = None  # a catalogue file instead of the one in `corrections`
    workers: int = field(default_factory=default_workers)
    force: bool = False
    keep_work: bool = False
    scheduler: str | None = None
    progress: bool = True
    cleanup: CleanupSettings = field(default_factory=CleanupSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        if not 72 <= self.dpi <= 600:
            raise BadArgsError(f"--dpi must be between 72 and 600, got {self.dpi}")
        if self.workers < 1:
            raise BadArgsError(f"--workers must be at least 1, got {self.workers}")

    def result_key(self, engine: str = "") -> str:
        """Hash of what changes an input's results, for the resume ledger.

        In: the dpi, the cleanup and OCR settings, the content (not the path) of the
        catalogue and lexicon files, and `engine` (the Tesseract version, which reads
        differently from one release to the next). Out: the output folder, workers,
        scheduler, force, keep_work, progress (they change how, not what), the review
        decisions (applied again to every agreement at the end of each run) and the
        limits (they decide whether an input is read, not what is read from it: an
        input beyond a limit fails, and a failed input is not in the ledger).
        """
        d = {
            "dpi": self.dpi,
            "catalogue": _files_digest(self.catalogue_files()),
            "cleanup": asdict(self.cleanup),
            "ocr": asdict(self.ocr),
            "engine": engine,
        }
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]

    def catalogue_files(self) -> tuple[Path, ...]:
        """The catalogue and lexicon files the run reads (whether they exist or not).

        As `stages.correct.load_knowledge` finds them: `--catalogue` (a file, or a folder's
        catalogue.csv) or the corrections folder's catalogue.csv; its lexicon.txt and the
        languages' word lists (`catalogue.load_lexicon`).
        """
        cat = Path(self.catalogue) if self.catalogue is not None else Path(self.corrections)
        cat = cat / "catalogue.csv" if cat.is_dir() or self.catalogue is None else cat
        words = Path(self.corrections)
        return (cat, words / "lexicon.txt", words / "dictionary.txt", words / "english.txt.gz")


def _files_digest(paths: tuple[Path, ...]) -> str:
    """Digest of the files' names and contents; a missing file counts as absent."""
    h = hashlib.sha256()
    for p in paths:
        h.update(p.name.encode() + b"\0")
        try:
            h.update(hashlib.sha256(p.read_bytes()).digest())
        except OSError:
            h.update(b"absent")
    return h.hexdigest()[:16]


def run_config(out_dir: str | os.PathLike, **settings: object) -> RunConfig:
    """A `RunConfig` from keyword settings, as `ocr_pipeline.run` takes them.

    Besides RunConfig's own fields (`dpi`, `workers`, `force`, `catalogue`, ...), the
    fields of its parts may be given by name: `lang="ind"`, `deskew=False`,
    `max_pages=50`. An unknown name is a `BadArgsError` listing the known ones.
    """
    from dataclasses import fields, replace

    parts = {"cleanup": CleanupSettings, "ocr": OcrSettings, "limits": Limits}
    own = {f.name for f in fields(RunConfig)} - {"out_dir"}
    top = {k: v for k, v in settings.items() if k in own}
    for part, cls in parts.items():
        names = {f.name for f in fields(cls)}
        mine = {k: v for k, v in settings.items() if k in names}
        if mine:
            base: Any = top.get(part) or cls()
            top[part] = replace(base, **mine)
    unknown = set(settings) - own - {f.name for cls in parts.values() for f in fields(cls)}
    if unknown:
        known = sorted(own | {f.name for cls in parts.values() for f in fields(cls)})
        raise BadArgsError(f"unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(known)}")
    for name in ("corrections", "catalogue"):
        if top.get(name) is not None:
            top[name] = Path(top[name])  # type: ignore[arg-type]
    return RunConfig(out_dir=Path(out_dir), **top)  # type: ignore[arg-type]
