"""Settings of a run, frozen, with checks in `__post_init__`.

`RunConfig` holds everything that changes results (it is hashed into the resume
ledger's key) plus the knobs that do not (workers, progress, verbosity).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import BadArgsError


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits on one input; beyond them the file fails with a clear message."""

    max_file_mb: float = 500.0
    max_pages: int = 500
    max_page_megapixels: float = 60.0  # pixels of one page at the run's dpi, in millions
    seconds_per_page: float = 180.0  # tesseract timeout per call

    def __post_init__(self) -> None:
        for name in ("max_file_mb", "max_pages", "max_page_megapixels", "seconds_per_page"):
            if getattr(self, name) <= 0:
                raise BadArgsError(f"limit {name} must be positive, got {getattr(self, name)}")


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
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
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

    def result_key(self) -> str:
        """Hash of the settings that change results (not workers, progress, output folder)."""
        d = {
            "dpi": self.dpi,
            "catalogue": _file_digest(self.catalogue),
            "cleanup": asdict(self.cleanup),
            "ocr": asdict(self.ocr),
            "limits": asdict(self.limits),
        }
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


def _file_digest(path: Path | None) -> str | None:
    if path is None:
        return None
    p = Path(path)
    h = hashlib.sha256()
    files = sorted(p.rglob("*")) if p.is_dir() else [p]
    for f in files:
        if f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]
