"""Typed, immutable records passed between the stages of the pipeline.

Two families:

* page records, produced and consumed inside the pipeline: `PageImage` (a page
  raster, optionally with an exact PDF text layer), `Word`, `Rule` (a ruling
  line), `OcrPage` (what the table stage reads), `Cell` and `Table`;
* domain records, matching the output contract (`agreement.schema.json`):
  `Agreement`, `Party`, `Source`, `TargetRow`, `Value`, `BudgetLine`,
  `Correction`.

Every record is a frozen dataclass holding tuples, never lists; change one with
`dataclasses.replace`. Domain records convert to and from the contract's JSON
with `to_json()` / `from_json()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

BBox = tuple[float, float, float, float]
"""(left, top, right, bottom) in pixels of a page image."""

SCHEMA_VERSION = "1.0"


# --------------------------------------------------------------------------- page records


@dataclass(frozen=True, slots=True)
class Word:
    """One word as read from a page, in the coordinates of the cleaned page."""

    text: str
    conf: float  # 0..1
    bbox: BBox
    line: int = 0  # id of the text line within the page (same id = same line)
    block: int = 0

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "conf": round(self.conf, 4), "bbox": [round(v, 1) for v in self.bbox],
                "line": self.line, "block": self.block}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Word:
        return cls(d["text"], float(d["conf"]), tuple(d["bbox"]), int(d.get("line", 0)),
                   int(d.get("block", 0)))


@dataclass(frozen=True, slots=True)
class Rule:
    """A ruling line segment of a table, horizontal or vertical, in cleaned-page pixels."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return abs(self.x1 - self.x0) >= abs(self.y1 - self.y0)

    def to_json(self) -> list[float]:
        return [round(self.x0, 1), round(self.y0, 1), round(self.x1, 1), round(self.y1, 1)]

    @classmethod
    def from_json(cls, v: list[float]) -> Rule:
        return cls(*map(float, v))


@dataclass(frozen=True, slots=True, eq=False)
class PageImage:
    """One page of an input file as a raster, before cleanup.

    `text_layer` holds the words of an exact PDF text layer (pixel coordinates at
    `dpi`) when ingest judged the layer trustworthy; OCR is then skipped.
    """

    source: str
    page: int  # 1-based page of the source file
    dpi: int
    image: np.ndarray  # H x W (grey) or H x W x 3 (BGR), uint8
    text_layer: tuple[Word, ...] | None = None
    text_layer_note: str = ""  # why a text layer was used or ignored

    @property
    def size(self) -> tuple[int, int]:
        return int(self.image.shape[1]), int(self.image.shape[0])


@dataclass(frozen=True, slots=True, eq=False)
class CleanPage:
    """A page after cleanup: upright, deskewed, text separated from ruling lines."""

    source: str
    page: int
    dpi: int
    gray: np.ndarray  # upright, deskewed, normalised grey page (for OCR and re-reading)
    rules: tuple[Rule, ...]
    rotation: int  # clockwise degrees the page was turned to be upright: 0, 90, 180, 270
    skew: float  # degrees of skew removed
    to_original: tuple[float, float, float, float, float, float]  # affine: clean -> original px
    text_layer: tuple[Word, ...] | None = None
    text_layer_note: str = ""
    ocr_image: np.ndarray | None = None  # what OCR reads (rules removed); None = gray


@dataclass(frozen=True, slots=True)
class OcrPage:
    """Words and ruling lines of one cleaned page: everything the later stages need."""

    source: str
    page: int
    dpi: int
    width: int
    height: int
    words: tuple[Word, ...]
    rules: tuple[Rule, ...] = ()
    method: str = "ocr"  # "ocr" or "text-layer"
    rotation: int = 0
    skew: float = 0.0
    to_original: tuple[float, float, float, float, float, float] = (1, 0, 0, 0, 1, 0)
    warnings: tuple[str, ...] = ()

    def original_bbox(self, box: BBox) -> BBox:
        """Map a box of the cleaned page back to pixels of the original page."""
        a, b, c, d, e, f = self.to_original
        xs, ys = [], []
        for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
            xs.append(a * x + b * y + c)
            ys.append(d * x + e * y + f)
        return (min(xs), min(ys), max(xs), max(ys))

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source, "page": self.page, "dpi": self.dpi,
            "width": self.width, "height": self.height, "method": self.method,
            "rotation": self.rotation, "skew": round(self.skew, 3),
            "to_original": list(self.to_original), "warnings": list(self.warnings),
            "words": [w.to_json() for w in self.words],
            "rules": [r.to_json() for r in self.rules],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OcrPage:
        return cls(
            source=d["source"], page=int(d["page"]), dpi=int(d["dpi"]),
            width=int(d["width"]), height=int(d["height"]),
            words=tuple(Word.from_json(w) for w in d["words"]),
            rules=tuple(Rule.from_json(r) for r in d.get("rules", ())),
            method=d.get("method", "ocr"), rotation=int(d.get("rotation", 0)),
            skew=float(d.get("skew", 0.0)),
            to_original=tuple(d.get("to_original", (1, 0, 0, 0, 1, 0))),
            warnings=tuple(d.get("warnings", ())),
        )


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a recovered table (after merging spans)."""

    row: int
    col: int
    bbox: BBox
    words: tuple[Word, ...] = ()
    row_span: int = 1
    col_span: int = 1
    cut: bool = False  # cut by the grid's edges from a block whose inner rules were not found


@dataclass(frozen=True, slots=True)
class Table:
    """A ruled table found on one page."""

    page: int
    bbox: BBox
    n_rows: int
    n_cols: int
    cells: tuple[Cell, ...]
    col_edges: tuple[float, ...] = ()
    row_edges: tuple[float, ...] = ()


# --------------------------------------------------------------------------- domain records


@dataclass(frozen=True, slots=True)
class Correction:
    """One change made to OCR text, for the audit trail."""

    field: str
    before: str
    after: str
    method: str  # catalogue, lexicon, reocr, cross-document, rule, review
    score: float | None = None

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"field": self.field, "from": self.before, "to": self.after,
                             "method": self.method}
        if self.score is not None:
            d["score"] = round(float(self.score), 2)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Correction:
        return cls(d["field"], d["from"], d["to"], d["method"], d.get("score"))


@dataclass(frozen=True, slots=True)
class Value:
    """A target as printed and parsed: raw text, number, unit."""

    raw: str
    value: float | None
    unit: str | None

    def to_json(self) -> dict[str, Any]:
        v = self.value
        if v is not None and float(v).is_integer():
            v = int(v)
        return {"raw": self.raw, "value": v, "unit": self.unit}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Value:
        return cls(d.get("raw", ""), d.get("value"), d.get("unit"))


@dataclass(frozen=True, slots=True)
class Party:
    name: str | None
    position: str | None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "position": self.position}

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> Party:
        d = d or {}
        return cls(d.get("name"), d.get("position"))


@dataclass(frozen=True, slots=True)
class Audit:
    """Where a value came from and how far to trust it."""

    page: int = 1
    bbox: BBox | None = None  # original-page pixels at the run's dpi
    confidence: float = 1.0
    needs_review: bool = False
    review_reasons: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"page": self.page}
        if self.bbox is not None:
            d["bbox"] = [round(float(v), 1) for v in self.bbox]
        d.update({
            "confidence": round(min(1.0, max(0.0, float(self.confidence))), 4),
            "needs_review": bool(self.needs_review or self.review_reasons),
            "review_reasons": list(self.review_reasons),
            "corrections": [c.to_json() for c in self.corrections],
        })
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Audit:
        bbox = d.get("bbox")
        return cls(
            page=int(d.get("page", 1)),
            bbox=tuple(bbox) if bbox else None,
            confidence=float(d.get("confidence", 1.0)),
            needs_review=bool(d.get("needs_review", False)),
            review_reasons=tuple(d.get("review_reasons", ())),
            corrections=tuple(Correction.from_json(c) for c in d.get("corrections", ())),
        )

    def flag(self, *reasons: str) -> Audit:
        """Return a copy flagged for review with the reasons added (no duplicates)."""
        new = tuple(r for r in reasons if r and r not in self.review_reasons)
        return Audit(self.page, self.bbox, self.confidence, True, self.review_reasons + new,
                     self.corrections)

    def corrected(self, *corrections: Correction) -> Audit:
        return Audit(self.page, self.bbox, self.confidence, self.needs_review,
                     self.review_reasons, self.corrections + tuple(corrections))


@dataclass(frozen=True, slots=True)
class TargetRow:
    """One row of the table Sasaran Strategis / Indikator Kinerja / Target."""

    program: str | None
    activity: str | None
    strategic_goal: str
    indicator: str
    target: Value
    indicator_id: str | None = None
    indicator_parent: str | None = None
    audit: Audit = field(default_factory=Audit)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "program": self.program, "activity": self.activity,
            "strategic_goal": self.strategic_goal, "indicator": self.indicator,
            "indicator_id": self.indicator_id, "indicator_parent": self.indicator_parent,
            "target": self.target.to_json(),
        }
        d.update(self.audit.to_json())
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> TargetRow:
        return cls(
            program=d.get("program"), activity=d.get("activity"),
            strategic_goal=d.get("strategic_goal") or "", indicator=d.get("indicator") or "",
            target=Value.from_json(d.get("target") or {}),
            indicator_id=d.get("indicator_id"), indicator_parent=d.get("indicator_parent"),
            audit=Audit.from_json(d),
        )


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One line of the list Kegiatan / Anggaran."""

    name: str
    amount: int | None
    raw: str
    note: str | None = None
    audit: Audit = field(default_factory=Audit)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "amount": self.amount, "raw": self.raw,
                             "note": self.note}
        d.update(self.audit.to_json())
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> BudgetLine:
        return cls(d.get("name") or "", d.get("amount"), d.get("raw") or "", d.get("note"),
                   Audit.from_json(d))


@dataclass(frozen=True, slots=True)
class Source:
    file: str
    sha256: str
    pages: tuple[int, ...]

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, "pages": list(self.pages)}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Source:
        return cls(d.get("file", ""), d.get("sha256", ""), tuple(d.get("pages", ())))


@dataclass(frozen=True, slots=True)
class Agreement:
    """One Perjanjian Kinerja: the contract's document."""

    agreement_id: str
    source: Source
    title: str | None
    year: int | None
    organization: str | None
    subunit: str | None
    first_party: Party
    second_party: Party
    signed_place: str | None
    signed_date: str | None
    targets: tuple[TargetRow, ...] = ()
    budget: tuple[BudgetLine, ...] = ()
    needs_review: tuple[str, ...] = ()  # dotted paths of header fields to check
    warnings: tuple[str, ...] = ()
    signed_date_raw: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "agreement_id": self.agreement_id,
            "source": self.source.to_json(),
            "title": self.title,
            "year": self.year,
            "organization": self.organization,
            "subunit": self.subunit,
            "first_party": self.first_party.to_json(),
            "second_party": self.second_party.to_json(),
            "signed_place": self.signed_place,
            "signed_date": self.signed_date,
            "signed_date_raw": self.signed_date_raw,
            "targets": [t.to_json() for t in self.targets],
            "budget": [b.to_json() for b in self.budget],
            "needs_review": list(self.needs_review),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Agreement:
        return cls(
            agreement_id=d.get("agreement_id", ""),
            source=Source.from_json(d.get("source") or {}),
            title=d.get("title"),
            year=d.get("year"),
            organization=d.get("organization"),
            subunit=d.get("subunit"),
            first_party=Party.from_json(d.get("first_party")),
            second_party=Party.from_json(d.get("second_party")),
            signed_place=d.get("signed_place"),
            signed_date=d.get("signed_date"),
            signed_date_raw=d.get("signed_date_raw"),
            targets=tuple(TargetRow.from_json(t) for t in d.get("targets", ())),
            budget=tuple(BudgetLine.from_json(b) for b in d.get("budget", ())),
            needs_review=tuple(d.get("needs_review", ())),
            warnings=tuple(d.get("warnings", ())),
        )


HEADER_FIELDS = (
    "title", "year", "organization", "subunit", "first_party.name", "first_party.position",
    "second_party.name", "second_party.position", "signed_place", "signed_date",
)
"""The header fields of an agreement, as dotted paths (the `needs_review` vocabulary)."""


def header_value(doc: dict[str, Any], path: str) -> Any:
    """Value of a dotted header path in a contract JSON document (None where absent)."""
    cur: Any = doc
    for part in path.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


__all__ = [
    "Agreement", "Audit", "BBox", "BudgetLine", "Cell", "CleanPage", "Correction",
    "HEADER_FIELDS", "OcrPage", "PageImage", "Party", "Rule", "SCHEMA_VERSION", "Source",
    "Table", "TargetRow", "Value", "Word", "header_value",
]
