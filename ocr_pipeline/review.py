"""Review decisions: read an auditor's review.csv, keep the decisions, apply them.

The round trip:

1. a run writes `DIR/review.csv`, one row per value a person should check;
2. the auditor fills `decision` (`accept`: the value is right; `correct`: the right
   value is in `corrected_value`; empty: not reviewed yet);
3. `ocr-pipeline apply-review DIR/review.csv --out DIR` stores the decisions in
   `corrections/reviews.json` and applies them to every agreement in DIR;
4. every later run applies the stored decisions again, so they stick when a file
   is processed again.

`corrected_value` is read like the document prints it: a target as its cell text
(`90%`, `2 laporan`), a budget amount as `Rp 4.105.373.000,-`, a header field as
text, `year` as a number, `signed_date` as `2026-01-15` or `15 Januari 2026`. A
target row's indicator (a budget line's name) is corrected with it the way the
`value` column shows a row: `Jumlah pelaku usaha (unit) = 5`.

`reviews.json` holds one entry per decision, keyed by agreement_id + kind + row +
field (a later decision for the same key replaces the earlier one)::

    {"format": "ocr-pipeline review decisions", "version": 1,
     "decisions": [{"agreement_id": "pk-6fbc798e5f5c-01", "kind": "target", "row": 8,
                    "field": "target", "decision": "correct", "corrected_value": "2.477 ekor",
                    "value": "Kambing = 2.477 A71", "reasons": "low OCR confidence (0.28)",
                    "source_file": "scans/PK Kadis.pdf", "decided_at": "2026-02-01T09:30:00+00:00"}]}

`value` is what review.csv showed when the decision was made. A decision is only
applied to the value it was made about: an `accept` when the value still reads the
same, a `correct` of a row when the row still holds the same indicator (budget
line name). Anything else is reported as not applied, never dropped silently.
"""

from __future__ import annotations

import copy
import csv
import datetime
import io
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from .errors import BadArgsError, CatalogueError
from .records import HEADER_FIELDS, header_value
from .stages import export
from .stages.layout import clean_text
from .stages.values import parse_date, parse_rupiah, parse_target

log = logging.getLogger(__name__)

DECISIONS_FILE = "reviews.json"
FORMAT = "ocr-pipeline review decisions"
VERSION = 1
KINDS = ("header", "target", "budget")
VERDICTS = ("accept", "correct")
ROW_FIELDS = {"target": "target", "budget": "amount"}
"""The field a target row / budget line decision is about (review.csv's `field`)."""
_REQUIRED_COLUMNS = ("agreement_id", "kind", "row", "field", "decision", "corrected_value")


@dataclass(frozen=True, slots=True)
class Decision:
    """What a person decided about one value of review.csv."""

    agreement_id: str
    kind: str  # header, target, budget
    row: int | None  # 1-based target row / budget line; None for a header field
    field: str  # "target", "amount" or a dotted header path
    decision: str  # accept, correct
    corrected_value: str | None = None  # the right value, as text (decision "correct")
    value: str | None = None  # the value review.csv showed when the decision was made
    reasons: str | None = None  # why it was flagged
    source_file: str | None = None
    decided_at: str | None = None  # when it was stored (UTC, ISO 8601)

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.agreement_id, self.kind, self.row or 0, self.field)

    def describe(self) -> str:
        where = f" row {self.row}" if self.row is not None else ""
        what = f" {self.corrected_value!r}" if self.decision == "correct" else ""
        return f"{self.agreement_id} {self.kind}{where} {self.field}: {self.decision}{what}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


Decisions = tuple[Decision, ...]
"""The decisions kept in `corrections/reviews.json`, sorted by key."""


@dataclass(frozen=True)
class ReviewResult:
    """What `apply_review` did, for the command line."""

    read: int  # decisions in the review file
    applied: int  # kept decisions (this file's and earlier ones) applied to agreements of DIR
    changed: tuple[str, ...]  # agreements rewritten
    unmatched: tuple[str, ...]  # decisions that matched nothing, with the reason
    stored: Path
    documents: tuple[dict[str, Any], ...]  # the agreements of the last run, decisions applied
    manifest: tuple[dict[str, Any], ...]  # DIR/manifest.json's entries
    decisions: Decisions  # every decision kept (this file's and earlier ones)

    def line(self) -> str:
        return (f"{self.read} decisions read, {self.applied} applied, {len(self.unmatched)} not applied; "
                f"{len(self.changed)} agreements rewritten; decisions kept in {self.stored}")


# --------------------------------------------------------------------------- values


def _text(value: Any) -> str:
    """A value as review.csv shows it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _same(a: str | None, b: str | None) -> bool:
    return clean_text(a or "") == clean_text(b or "")


def _number(v: float | None) -> float | int | None:
    return int(v) if v is not None and float(v).is_integer() else v


def target_value(text: str) -> dict[str, Any]:
    """A corrected target cell as the contract's target: '90%' -> raw, value 90, unit '%'."""
    raw = clean_text(text)
    parsed = parse_target(raw)
    if parsed.value is None:
        raise ValueError(f"cannot read a target in {text!r} ({parsed.note}); write it as printed, "
                         "e.g. '90%' or '2 laporan'")
    return {"raw": raw, "value": _number(parsed.value), "unit": parsed.unit}


def amount_value(text: str) -> tuple[int, str]:
    """A corrected budget amount: 'Rp 4.105.373.000,-' -> (4105373000, the text)."""
    raw = clean_text(text)
    amount = parse_rupiah(raw)
    if amount is None:
        raise ValueError(f"cannot read a Rupiah amount in {text!r}; write it e.g. as 'Rp 4.105.373.000,-'")
    return amount, raw


LABELS = {"target": "indicator", "budget": "name"}
"""What names a target row / budget line; a correction may fix it too: 'Indicator = 90%'."""


def row_fix(kind: str, text: str) -> dict[str, Any]:
    """The fields a `correct` of a target row / budget line sets, from its corrected_value.

    '90%' sets the target; 'Jumlah pelaku usaha (unit) = 5' sets the indicator and the
    target, the way review.csv's `value` column shows them. For a budget line the same
    with the amount: 'Rp 4.105.373.000,-' or 'Pengelolaan Keuangan = Rp 4.105.373.000,-'.
    """
    label, sep, value = text.rpartition(" = ")
    fix: dict[str, Any] = {}
    if sep:
        if not clean_text(label):
            raise ValueError(f"nothing before ' = ' in {text!r}; write 'the {LABELS[kind]} = the value'")
        fix[LABELS[kind]] = clean_text(label)
    if kind == "target":
        fix["target"] = target_value(value)
    else:
        fix["amount"], fix["raw"] = amount_value(value)
    return fix


def header_field_value(path: str, text: str) -> str | int:
    """A corrected header field: `year` a number, `signed_date` an ISO date, the rest one line."""
    raw = clean_text(text)
    if path == "year":
        if not re.fullmatch(r"(19|20)\d{2}", raw):
            raise ValueError(f"year must be four digits, e.g. 2026, not {text!r}")
        return int(raw)
    if path == "signed_date":
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            try:
                return datetime.date.fromisoformat(raw).isoformat()
            except ValueError:
                pass
        iso = parse_date(raw).iso
        if iso is None:
            raise ValueError("signed_date must be a whole date, e.g. 2026-01-15 or 15 Januari 2026, "
                             f"not {text!r}")
        return iso
    if not raw:
        raise ValueError(f"an empty {path}; write the right text or decide 'accept'")
    return raw


def corrected(kind: str, field: str, text: str) -> Any:
    """The value a `correct` decision sets, parsed from its text; ValueError when unreadable."""
    if kind in LABELS:
        return row_fix(kind, text)
    return header_field_value(field, text)


# --------------------------------------------------------------------------- reading decisions


def _row_number(kind: str, text: Any) -> int | None:
    if kind == "header":
        return None
    s = _text(text).strip()
    if not s.isdigit() or int(s) < 1:
        raise ValueError(f"row must be a number from 1 for a {kind} decision, not {s!r}")
    return int(s)


def _field(kind: str, field: str, verdict: str) -> str:
    if kind in ROW_FIELDS:
        if field != ROW_FIELDS[kind]:
            raise ValueError(f"a {kind} decision is about field {ROW_FIELDS[kind]!r}, not {field!r}")
        return field
    if not field:
        raise ValueError("a header decision needs the field it is about, e.g. first_party.name")
    if verdict == "correct" and field not in HEADER_FIELDS:
        raise ValueError(f"header field {field!r} cannot be corrected (only accepted); "
                         f"correctable: {', '.join(HEADER_FIELDS)}")
    return field


def decision_from(record: dict[str, Any]) -> Decision:
    """A checked `Decision` from a review.csv row or a reviews.json entry; ValueError if bad."""
    verdict = _text(record.get("decision")).strip().lower()
    if verdict not in VERDICTS:
        raise ValueError(f"decision must be 'accept', 'correct' or empty, not {verdict!r}")
    aid = _text(record.get("agreement_id")).strip()
    if not aid:
        raise ValueError("agreement_id is empty")
    kind = _text(record.get("kind")).strip().lower()
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    row = _row_number(kind, record.get("row"))
    field = _field(kind, _text(record.get("field")).strip(), verdict)
    fix = _text(record.get("corrected_value")).strip() or None
    if verdict == "correct":
        if fix is None:
            raise ValueError("decision 'correct' needs the right value in corrected_value")
        corrected(kind, field, fix)
    else:
        fix = None
    optional = {k: (_text(record.get(k)) if record.get(k) is not None else None)
                for k in ("value", "reasons", "source_file", "decided_at")}
    return Decision(aid, kind, row, field, verdict, fix, **optional)


def _csv_text(path: Path) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CatalogueError(f"cannot read review file {path}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.warning("%s is not UTF-8; reading it as Windows-1252 (save it as CSV UTF-8 next time)", path)
        return data.decode("cp1252", errors="replace")


def read_review_csv(path: Path) -> list[Decision]:
    """The decisions filled in a review.csv (rows without a decision are skipped).

    Accepts the file as a spreadsheet saves it again: with or without the byte-order
    mark, separated by commas or (a European Excel) semicolons. A bad row raises
    `CatalogueError` naming the file and line.
    """
    text = _csv_text(path)
    head = text.split("\n", 1)[0]
    delimiter = ";" if head.count(";") > head.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    missing = [c for c in _REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise CatalogueError(f"{path}: not a review file, missing columns {', '.join(missing)}; "
                             "fill the review.csv a run wrote")
    found: dict[tuple, Decision] = {}
    for record in reader:
        if not _text(record.get("decision")).strip():
            continue
        try:
            d = decision_from(record)
        except ValueError as exc:
            raise CatalogueError(f"{path}, line {reader.line_num}: {exc}") from None
        if d.key in found and found[d.key] != d:
            raise CatalogueError(f"{path}, line {reader.line_num}: a second, different decision for "
                                 f"{d.describe()}; keep one")
        found[d.key] = d
    return list(found.values())


# --------------------------------------------------------------------------- keeping decisions


def decisions_path(corrections_dir: Path) -> Path:
    return Path(corrections_dir) / DECISIONS_FILE


def load_decisions(corrections_dir: Path) -> Decisions:
    """The decisions kept in `corrections_dir/reviews.json`; none when it does not exist."""
    path = decisions_path(corrections_dir)
    if not path.exists():
        return ()
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read the review decisions ({exc}); fix the file or "
                             "restore it from a backup") from exc
    ok = isinstance(data, dict) and data.get("format") == FORMAT
    if not ok or not isinstance(data.get("decisions"), list):
        raise CatalogueError(f"{path}: not a review decisions file (format {FORMAT!r}, a list 'decisions')")
    if data.get("version") != VERSION:
        raise CatalogueError(f"{path}: review decisions version {data.get('version')!r}; "
                             f"this ocr-pipeline reads version {VERSION}")
    out = {}
    for i, entry in enumerate(data["decisions"]):
        try:
            if not isinstance(entry, dict):
                raise ValueError("not an object")
            d = decision_from(entry)
        except ValueError as exc:
            raise CatalogueError(f"{path}: decision {i + 1}: {exc}") from None
        out[d.key] = d
    return tuple(out[k] for k in sorted(out))


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def merge_decisions(old: Iterable[Decision], new: Iterable[Decision], now: str) -> Decisions:
    """`old` with `new` on top (same key: the new one wins); a decision made again keeps its date."""
    out = {d.key: d for d in old}
    for d in new:
        before = out.get(d.key)
        if before is not None and replace(before, decided_at=None) == replace(d, decided_at=None):
            continue
        out[d.key] = replace(d, decided_at=d.decided_at or now)
    return tuple(out[k] for k in sorted(out))


def store_decisions(decisions: Iterable[Decision], corrections_dir: Path) -> Path:
    """Merge `decisions` into `corrections_dir/reviews.json` (written atomically); its path."""
    merged = merge_decisions(load_decisions(corrections_dir), decisions, _now())
    doc = {"format": FORMAT, "version": VERSION, "decisions": [d.to_json() for d in merged]}
    path = decisions_path(corrections_dir)
    export.atomic_write(path, export.dumps(doc))
    return path


# --------------------------------------------------------------------------- applying decisions


def _shown(kind: str, row: dict[str, Any]) -> str:
    """A row's value as review.csv shows it (see `export.review_records`)."""
    if kind == "target":
        return f"{row.get('indicator')} = {(row.get('target') or {}).get('raw')}"
    return f"{row.get('name')} = {row.get('raw')}"


def _label(kind: str, row: dict[str, Any]) -> str:
    return _text(row.get(LABELS[kind]))


def _settle(item: dict[str, Any], verdict: str) -> None:
    item["needs_review"] = False
    item["review_reasons"] = []
    item["reviewed"] = verdict


def _review_correction(row: dict[str, Any], field: str, before: Any, after: Any) -> None:
    row["corrections"] = [*row.get("corrections", ()), {
        "field": field, "from": _text(before), "to": _text(after), "method": "review"}]


def _correct_row(kind: str, row: dict[str, Any], fix: dict[str, Any]) -> None:
    label = LABELS[kind]
    if label in fix and row.get(label) != fix[label]:
        _review_correction(row, label, row.get(label), fix[label])
        row[label] = fix[label]
    if kind == "target":
        old = row.get("target") or {}
        if old != fix["target"]:
            _review_correction(row, "target", old.get("raw"), fix["target"]["raw"])
            row["target"] = fix["target"]
    elif row.get("amount") != fix["amount"] or row.get("raw") != fix["raw"]:
        _review_correction(row, "amount", row.get("raw"), fix["raw"])
        row["amount"], row["raw"] = fix["amount"], fix["raw"]


def _apply_to_row(doc: dict[str, Any], d: Decision) -> str | None:
    rows = doc.get("targets" if d.kind == "target" else "budget") or []
    noun = "target rows" if d.kind == "target" else "budget lines"
    if d.row is None or not 1 <= d.row <= len(rows):
        return f"no such row (the agreement has {len(rows)} {noun})"
    row = rows[d.row - 1]
    if d.decision == "accept":
        if d.value is not None and not _same(d.value, _shown(d.kind, row)):
            return f"the row now reads {_shown(d.kind, row)!r}, not {d.value!r}: review it again"
        _settle(row, "accepted")
        return None
    fix = row_fix(d.kind, d.corrected_value or "")
    now = _label(d.kind, row)
    if d.value is not None and " = " in d.value:
        was = d.value.rpartition(" = ")[0]
        if not (_same(was, now) or _same(fix.get(LABELS[d.kind]), now)):
            return f"the row is now {now!r}, not {was!r}: review it again"
    _correct_row(d.kind, row, fix)
    _settle(row, "corrected")
    return None


def _set_header(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    cur = doc
    for p in parents:
        cur = cur.setdefault(p, {})
    cur[last] = value


def _apply_to_header(doc: dict[str, Any], d: Decision) -> str | None:
    path = d.field
    flagged = list(doc.get("needs_review") or [])
    reviewed = dict(doc.get("reviewed") or {})
    if path not in HEADER_FIELDS and path not in flagged and path not in reviewed:
        return "no such header field or flag"
    current = header_value(doc, path) if path in HEADER_FIELDS else None
    if d.decision == "accept":
        if path in HEADER_FIELDS and d.value is not None and not _same(d.value, _text(current)):
            return f"the field now reads {_text(current)!r}, not {d.value!r}: review it again"
    else:
        new = header_field_value(path, d.corrected_value or "")
        if new != current:
            _set_header(doc, path, new)
            doc["header_corrections"] = [*doc.get("header_corrections", ()), {
                "field": path, "from": _text(current), "to": _text(new), "method": "review"}]
    doc["needs_review"] = [p for p in flagged if p != path]
    reviewed[path] = "accepted" if d.decision == "accept" else "corrected"
    doc["reviewed"] = reviewed
    return None


def apply_decisions(doc: dict[str, Any], decisions: Iterable[Decision]) -> tuple[dict[str, Any], list[str]]:
    """`doc` with the decisions about it applied, and those that matched nothing (with why).

    Decisions about other agreements are ignored. A `correct` sets the value and
    adds a correction `{"field", "from", "to", "method": "review"}`; `accept` keeps
    the value. Either clears the flag and leaves a trace: `reviewed` on the row
    ("accepted" / "corrected"), or `reviewed` {path: ...} and `header_corrections`
    on the document for a header field. Applying the same decisions twice changes
    nothing more. `doc` itself is not modified.
    """
    new = copy.deepcopy(doc)
    unmatched = []
    mine = sorted((d for d in decisions if d.agreement_id == doc.get("agreement_id")), key=lambda d: d.key)
    for d in mine:
        why = _apply_one(new, d)
        if why:
            unmatched.append(f"{d.describe()}: {why}")
    return new, unmatched


def _apply_one(doc: dict[str, Any], d: Decision) -> str | None:
    """Apply `d` to `doc` in place; why it matched nothing, or None."""
    return _apply_to_header(doc, d) if d.kind == "header" else _apply_to_row(doc, d)


def unmatched_reason(doc: dict[str, Any], decision: Decision) -> str | None:
    """Why `decision` (about `doc`) matches nothing in it, or None when it applies."""
    return _apply_one(copy.deepcopy(doc), decision)


def apply_to_documents(out_dir: Path, docs: Sequence[dict[str, Any]],
                       decisions: Sequence[Decision]) -> tuple[list[dict[str, Any]], list[str]]:
    """Apply `decisions` to `docs`; rewrite (validated, atomically) the agreement JSON that changed.

    Returns the documents as they are now and the decisions about them that matched nothing.
    """
    out, unmatched = [], []
    for doc in docs:
        new, missed = apply_decisions(doc, decisions)
        if new != doc:
            export.write_agreement(out_dir, new)
        out.append(new)
        unmatched.extend(missed)
    return out, unmatched


def _manifest(out_dir: Path) -> list[dict[str, Any]]:
    path = Path(out_dir) / "manifest.json"
    if not path.exists():
        return []
    return list(json.loads(path.read_text("utf-8")).get("files", []))


def _run_ids(manifest: Sequence[dict[str, Any]]) -> list[str]:
    ids = [a for e in manifest if e.get("status") == "ok" and not e.get("note")
           for a in e.get("agreement_ids", ())]
    return list(dict.fromkeys(ids))


def apply_review(review_csv: Path, out_dir: Path, corrections_dir: Path) -> ReviewResult:
    """Keep the decisions of `review_csv` and apply every kept decision to the agreements of DIR.

    The CSV, report and database views are not rewritten here (see `pipeline.write_views`);
    `documents` are the agreements of DIR's last run (all of DIR without a manifest).
    """
    out_dir = Path(out_dir)
    if not (out_dir / export.AGREEMENTS_DIR).is_dir():
        raise BadArgsError(f"{out_dir} holds no agreements/ folder: give --out the folder a run wrote")
    new = read_review_csv(review_csv)
    stored_at = store_decisions(new, corrections_dir)
    kept = load_decisions(corrections_dir)
    docs = export.read_agreements(out_dir)
    ids = {d["agreement_id"] for d in docs}
    updated, unmatched = apply_to_documents(out_dir, docs, kept)
    elsewhere = [f"{d.describe()}: no agreement {d.agreement_id} in {out_dir}" for d in new
                 if d.agreement_id not in ids]
    applied = sum(1 for d in kept if d.agreement_id in ids) - len(unmatched)
    changed = tuple(a["agreement_id"] for a, b in zip(docs, updated, strict=True) if a != b)
    manifest = _manifest(out_dir)
    by_id = {d["agreement_id"]: d for d in updated}
    shown = [by_id[a] for a in _run_ids(manifest) if a in by_id] if manifest else updated
    return ReviewResult(len(new), applied, changed, tuple(unmatched + elsewhere), stored_at,
                        tuple(shown), tuple(manifest), kept)


__all__ = [
    "DECISIONS_FILE", "Decision", "Decisions", "ReviewResult", "apply_decisions", "apply_review",
    "apply_to_documents", "corrected", "decision_from", "load_decisions", "merge_decisions",
    "read_review_csv", "store_decisions", "unmatched_reason",
]
