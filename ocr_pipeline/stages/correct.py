"""Correction and audit: drafts become the contract's agreements, every doubt flagged.

Values are parsed (targets, Rupiah, dates); each value carries its page, box and
OCR confidence; anything doubtful gets `needs_review` with a reason a person can
act on. Catalogue matching, re-reading and reconciliation plug in here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..records import Agreement, Audit, BudgetLine, Party, Source, TargetRow, Value
from .documents import Draft
from .rows import RawRow, TextBox
from .values import ParsedTarget, parse_target, split_enumerator, unit_word

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    """When a value is flagged for a person."""

    min_conf: float = 0.60  # lowest OCR word confidence accepted without review


def _audit(box: TextBox | None, *extra: TextBox | None) -> Audit:
    boxes = [b for b in (box, *extra) if b is not None and b.bbox is not None]
    if not boxes:
        return Audit(page=box.page if box and box.page else 1, confidence=0.0)
    x0 = min(b.bbox[0] for b in boxes)  # type: ignore[index]
    y0 = min(b.bbox[1] for b in boxes)  # type: ignore[index]
    x1 = max(b.bbox[2] for b in boxes)  # type: ignore[index]
    y1 = max(b.bbox[3] for b in boxes)  # type: ignore[index]
    return Audit(page=boxes[-1].page, bbox=(x0, y0, x1, y1), confidence=min(b.conf for b in boxes))


def _section_name(text: str) -> str:
    enum, body = split_enumerator(text)
    body = body.lstrip("-–• ").strip()
    return body


def target_rows(draft: Draft, s: ReviewSettings) -> list[TargetRow]:
    program = activity = None
    out: list[TargetRow] = []
    for r in draft.rows:
        if r.kind == "program":
            program, activity = _section_name(r.section), None
            continue
        if r.kind == "activity":
            activity = _section_name(r.section)
            continue
        out.append(_target_row(r, program, activity, s))
    return out


def _target_row(r: RawRow, program: str | None, activity: str | None, s: ReviewSettings) -> TargetRow:
    raw = r.target.text
    parsed = parse_target(raw)
    if r.unit.text:  # a SATUAN column holds the unit
        parsed = ParsedTarget(parsed.value, unit_word(r.unit.text), parsed.note)
    audit = _audit(r.target, r.indicator, r.goal if r.goal.page == r.target.page else None)
    reasons = []
    if parsed.value is None:
        reasons.append(f"target could not be read ({parsed.note or 'no number'}): {raw!r}")
    words = r.target.words + r.indicator.words + (r.goal.words if r.goal.page == r.target.page else ())
    low = min((w.conf for w in words), default=0.0)
    if words and low < s.min_conf:
        reasons.append(f"low OCR confidence ({low:.2f})")
    if not r.indicator.text:
        reasons.append("indicator is empty")
    if r.continued:
        reasons.append("row continues across a page break: check it is one row")
    if reasons:
        audit = audit.flag(*reasons)
    return TargetRow(
        program=program, activity=activity, strategic_goal=r.goal.text, indicator=r.indicator.text,
        target=Value(raw, parsed.value, parsed.unit), indicator_id=None,
        indicator_parent=r.parent, audit=audit,
    )


def budget(draft: Draft, s: ReviewSettings) -> list[BudgetLine]:
    out = []
    lines = [b for b in draft.budget if not b.total]
    for b in lines:
        audit = _audit(b.amount_text, b.name)
        reasons = []
        if b.amount is None:
            reasons.append(f"amount could not be read: {b.amount_text.text!r}")
        words = b.amount_text.words + b.name.words
        low = min((w.conf for w in words), default=0.0)
        if words and low < s.min_conf:
            reasons.append(f"low OCR confidence ({low:.2f})")
        if reasons:
            audit = audit.flag(*reasons)
        out.append(BudgetLine(b.name.text, b.amount, b.amount_text.text, b.note, audit))
    totals = [b for b in draft.budget if b.total and b.amount is not None]
    if totals and out and all(x.amount is not None for x in out):
        total = totals[-1].amount
        got = sum(x.amount for x in out if x.amount is not None)
        if got != total:
            reason = f"budget lines add up to {got:,} but the printed total is {total:,}".replace(",", ".")
            out = [BudgetLine(x.name, x.amount, x.raw, x.note, x.audit.flag(reason)) for x in out]
    return out


def finalize(draft: Draft, *, agreement_id: str, file: str, sha256: str,
             settings: ReviewSettings | None = None) -> Agreement:
    """Turn a draft into the contract's agreement, with review flags."""
    s = settings or ReviewSettings()
    needs: list[str] = []
    warnings = list(draft.warnings)

    def text(box: TextBox | None, path: str) -> str | None:
        if box is None or not box.text:
            if path not in ("subunit",):
                needs.append(path)
            return None
        if box.words and min(w.conf for w in box.words) < s.min_conf:
            needs.append(path)
            warnings.append(f"{path}: low OCR confidence ({min(w.conf for w in box.words):.2f})")
        return box.text

    title = text(draft.title, "title")
    organization = text(draft.organization, "organization")
    subunit = text(draft.subunit, "subunit")
    first = Party(text(draft.first_name, "first_party.name"), text(draft.first_position, "first_party.position"))
    second = Party(text(draft.second_name, "second_party.name"),
                   text(draft.second_position, "second_party.position"))
    place = text(draft.place, "signed_place")
    signed_date = draft.date.iso if draft.date else None
    signed_raw = draft.date.raw if draft.date else None
    if draft.date is None:
        needs.append("signed_date")
    elif signed_date is None and draft.date.raw and any(ch.isalpha() for ch in draft.date.raw.split(" ")[0]) is False:
        pass
    if draft.year is None:
        needs.append("year")
    rows = target_rows(draft, s)
    lines = budget(draft, s)
    if not draft.has_table:
        needs.append("targets")
    if draft.has_table and not lines:
        warnings.append("budget: no budget list found after the target table")
    return Agreement(
        agreement_id=agreement_id,
        source=Source(file, sha256, draft.pages),
        title=title, year=draft.year, organization=organization, subunit=subunit,
        first_party=first, second_party=second, signed_place=place, signed_date=signed_date,
        signed_date_raw=signed_raw, targets=tuple(rows), budget=tuple(lines),
        needs_review=tuple(dict.fromkeys(needs)), warnings=tuple(warnings),
    )
