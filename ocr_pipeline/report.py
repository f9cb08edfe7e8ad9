"""The review report: `DIR/report.html`, one self-contained page for auditors.

It opens offline and makes no request of its own (a Content-Security-Policy says
so): the style and the filter script are inline and the crops of flagged values are
embedded as `data:` URIs. It shows a summary of the run (files, failed files with
their errors, agreements, rows, values to check), then every agreement: its header,
its targets and its budget as extracted, each flagged or reviewed value beside the
crop of the scan it was read from, with the reasons and the corrections made. A
checkbox hides everything that needs no review.

Only crops are embedded, never whole pages. They are re-encoded small (at most
`CROP_WIDTH` pixels wide, 16 grey levels) and share a byte budget (`IMAGE_BUDGET`),
so that a report of a large batch stays a file one can mail (under 20 MB); a crop
that does not fit is named, and stays in `DIR/crops/`.
"""

from __future__ import annotations

import base64
import datetime
import html
import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from . import __version__
from .records import HEADER_FIELDS, header_value
from .stages import export

log = logging.getLogger(__name__)

REPORT_FILE = "report.html"
CROP_WIDTH = 900  # pixels: a crop is shown at most this wide
CROP_MIN_WIDTH = 320  # pixels: narrower, the text of a crop is no longer legible
IMAGE_BUDGET = 12_000_000  # bytes of PNG in one report (base64 adds a third): report.html < 20 MB
CROP_MAX_BYTES = 80_000  # no crop takes more than this, however few there are
CROP_MIN_BYTES = 15_000  # nor has less to fit in, however many there are (the budget then runs out)
_BYTES_PER_PIXEL = 0.08  # PNG bytes of a dense crop at 16 grey levels (a cautious first guess)

HEADER_LABELS = {
    "title": "Title", "year": "Year", "organization": "Organisation (Unit Organisasi)",
    "subunit": "Subunit", "first_party.name": "First party (Pihak Pertama)",
    "first_party.position": "First party position", "second_party.name": "Second party (Pihak Kedua)",
    "second_party.position": "Second party position", "signed_place": "Signed at",
    "signed_date": "Signed on",
}

_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;
padding:0 16px 48px;color:#1d1d1f;background:#fff}
h1{font-size:22px;margin:16px 0 4px}h2{font-size:18px;margin:0 0 4px}h3{font-size:15px;margin:16px 0 6px}
.bar{position:sticky;top:0;background:#f4f6f8;border-bottom:1px solid #d0d7de;padding:8px 12px;
margin:0 -16px 12px;z-index:2}
.bar label{font-weight:600;cursor:pointer}
.meta{color:#57606a;font-size:12px;margin:0 0 8px;word-break:break-all}
table{border-collapse:collapse;width:100%;margin:4px 0}
th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
table.figures{width:auto}table.figures td{text-align:right;min-width:60px}
td.num{text-align:right;white-space:nowrap}
section.agreement{border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin:18px 0}
tr.flagged>td,tr.flagged>th{background:#fff4e5}
tr.detail>td{background:#fbfbfb}tr.detail.flagged>td{background:#fff9f0}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;
white-space:nowrap}
.badge.flag{background:#ffd8a8;color:#7a3e00}.badge.accepted{background:#d3f9d8;color:#1b5e20}
.badge.corrected{background:#d0ebff;color:#0b4a8b}
.evidence{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
.evidence img{max-width:100%;border:1px solid #8c959f;background:#fff;image-rendering:auto}
.evidence .crop{flex:0 1 auto;max-width:640px}
.evidence .why{flex:1 1 280px;min-width:240px}
.value{font-size:16px;font-weight:600}
ul{margin:2px 0 6px 18px;padding:0}
.nocrop{color:#8c959f;font-style:italic}
.failed li{color:#a40e26}
.corr td,.corr th{font-size:12px}
"""

_SCRIPT = """
(function(){
  var box=document.getElementById('only-review');
  function sync(){document.body.classList.toggle('only-review',box.checked);}
  box.addEventListener('change',sync);sync();
})();
"""

_FILTER_CSS = "body.only-review .ok{display:none}"


# --------------------------------------------------------------------------- small helpers


def esc(value: Any) -> str:
    """Text for HTML: None as empty, everything escaped."""
    return "" if value is None else html.escape(str(value), quote=True)


def rupiah(amount: int | None) -> str:
    """4105373000 -> 'Rp 4.105.373.000'."""
    return "" if amount is None else "Rp " + f"{amount:,}".replace(",", ".")


def _number(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def _flagged(item: dict[str, Any]) -> bool:
    return bool(item.get("needs_review"))


def _row_class(item: dict[str, Any]) -> str:
    return "flagged" if _flagged(item) else "ok"


def header_reasons(doc: dict[str, Any], path: str) -> list[str]:
    """The warnings about one header field (`path: why`)."""
    return [w.split(": ", 1)[1] for w in doc.get("warnings", ()) if w.startswith(f"{path}: ")]


def open_values(doc: dict[str, Any]) -> int:
    """Values of one agreement that still need review (header fields, rows, lines)."""
    return (len(doc.get("needs_review", ())) + sum(map(_flagged, doc.get("targets", ())))
            + sum(map(_flagged, doc.get("budget", ()))))


def reviewed_values(doc: dict[str, Any]) -> int:
    """Values of one agreement a person has decided about."""
    return (len(doc.get("reviewed") or {}) + sum(1 for t in doc.get("targets", ()) if t.get("reviewed"))
            + sum(1 for b in doc.get("budget", ()) if b.get("reviewed")))


def crop_paths(docs: Iterable[dict[str, Any]]) -> list[str]:
    """Relative paths of every crop the report shows, in order, once each."""
    out: list[str] = []
    for d in docs:
        out.extend((d.get("review_crops") or {}).values())
        out.extend(r["crop"] for r in d.get("targets", ()) if r.get("crop"))
        out.extend(r["crop"] for r in d.get("budget", ()) if r.get("crop"))
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- crops


def _png(gray: np.ndarray, width: int) -> bytes | None:
    h, w = gray.shape[:2]
    img = gray if width >= w else cv2.resize(gray, (width, max(1, round(h * width / w))),
                                             interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".png", (img // 17) * 17, [cv2.IMWRITE_PNG_COMPRESSION, 6])
    return buf.tobytes() if ok else None


def encode_crop(gray: np.ndarray, max_bytes: int) -> bytes | None:
    """A grey crop as a small PNG: 16 grey levels, narrowed until it fits `max_bytes`.

    PNG bytes grow with the area, so the width is guessed from the pixels and narrowed
    from the size reached; None when even `CROP_MIN_WIDTH` would not fit.
    """
    h, w = gray.shape[:2]
    low = min(w, CROP_MIN_WIDTH)
    guess = int(w * (max_bytes / (_BYTES_PER_PIXEL * w * h)) ** 0.5)
    width = max(low, min(w, CROP_WIDTH, guess))
    for _ in range(4):
        png = _png(gray, width)
        if png is not None and len(png) <= max_bytes:
            return png
        if png is None or width == low or len(png) * (low / width) ** 2 > 1.15 * max_bytes:
            return None
        width = max(low, int(width * min(0.9, 0.95 * (max_bytes / len(png)) ** 0.5)))
    return None


def embed_crops(out_dir: Path, rel_paths: Sequence[str], budget: int = IMAGE_BUDGET) -> dict[str, str]:
    """`data:` URIs of the crops under `out_dir`, in order, while they fit in `budget` bytes.

    Each crop gets an equal share of the budget (within `CROP_MIN_BYTES`..`CROP_MAX_BYTES`)
    and is narrowed to fit it; one that cannot fit its share is shown `CROP_MIN_WIDTH` wide
    while the budget lasts. When it runs out the remaining crops are left out (the report names their files).
    """
    root = Path(out_dir).resolve()
    share = max(CROP_MIN_BYTES, min(CROP_MAX_BYTES, budget // max(1, len(rel_paths))))
    out: dict[str, str] = {}
    used, left_out = 0, []
    for rel in rel_paths:
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            log.warning("report: crop %s not found", rel)
            continue
        room = budget - used
        gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE) if room >= CROP_MIN_BYTES else None
        png = encode_crop(gray, min(share, room)) if gray is not None else None
        if png is None and gray is not None:  # too dense for its share: narrowest, while the budget lasts
            png = _png(gray, min(gray.shape[1], CROP_MIN_WIDTH))
            png = png if png is not None and len(png) <= min(CROP_MAX_BYTES, room) else None
        if png is None:
            left_out.append(rel)
            continue
        used += len(png)
        out[rel] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    if left_out:
        log.warning("report: %d crops left out to keep report.html small (see their files): %s%s",
                    len(left_out), ", ".join(left_out[:3]), ", ..." if len(left_out) > 3 else "")
    return out


# --------------------------------------------------------------------------- HTML parts


def _badge(item_reviewed: str | None, flagged: bool) -> str:
    if flagged:
        return '<span class="badge flag">needs review</span>'
    if item_reviewed == "accepted":
        return '<span class="badge accepted">accepted by reviewer</span>'
    if item_reviewed == "corrected":
        return '<span class="badge corrected">corrected by reviewer</span>'
    return ""


def _crop_html(rel: str | None, images: Mapping[str, str], alt: str) -> str:
    if rel and rel in images:
        return f'<div class="crop"><img src="{images[rel]}" alt="{esc(alt)}" title="{esc(rel)}"></div>'
    if rel:
        return f'<div class="crop nocrop">crop not in this report: {esc(rel)}</div>'
    return '<div class="crop nocrop">no crop of the scan for this value</div>'


def _corrections_html(corrections: Sequence[dict[str, Any]]) -> str:
    if not corrections:
        return ""
    rows = "".join(
        f"<tr><td>{esc(c.get('field'))}</td><td>{esc(c.get('from'))}</td><td>{esc(c.get('to'))}</td>"
        f"<td>{esc(c.get('method'))}</td></tr>" for c in corrections)
    return ('<table class="corr"><tr><th>field</th><th>from</th><th>to</th><th>method</th></tr>'
            f"{rows}</table>")


def _evidence(value: str, reasons: Sequence[str], corrections: Sequence[dict[str, Any]],
              crop: str | None, images: Mapping[str, str], badge: str) -> str:
    why = "".join(f"<li>{esc(r)}</li>" for r in reasons)
    return (f'<div class="evidence">{_crop_html(crop, images, value)}<div class="why">'
            f'<div class="value">{esc(value)}</div>{badge}'
            + (f"<ul>{why}</ul>" if why else "")
            + _corrections_html(corrections) + "</div></div>")


def _header_html(doc: dict[str, Any], images: Mapping[str, str]) -> str:
    flagged = list(doc.get("needs_review", ()))
    reviewed = doc.get("reviewed") or {}
    crops = doc.get("review_crops") or {}
    fixes = doc.get("header_corrections") or []
    rows = []
    for path in [*HEADER_FIELDS, *(p for p in flagged if p not in HEADER_FIELDS)]:
        is_flagged = path in flagged
        value = header_value(doc, path) if path in HEADER_FIELDS else ""
        if path == "signed_date" and doc.get("signed_date_raw"):
            value = f"{_number(value) or '—'} (printed: {doc['signed_date_raw']})"
        cls = "flagged" if is_flagged else "ok"
        badge = _badge(reviewed.get(path), is_flagged)
        mine = [c for c in fixes if c.get("field") == path]
        rows.append(f'<tr class="{cls}"><th>{esc(HEADER_LABELS.get(path, path))}</th>'
                    f"<td>{esc(_number(value))}</td><td>{badge}</td></tr>")
        if is_flagged or path in reviewed:
            reasons = header_reasons(doc, path) or (["check this field"] if is_flagged else [])
            evidence = _evidence(_number(value), reasons, mine, crops.get(path), images, badge)
            rows.append(f'<tr class="detail {cls}"><td colspan="3">{evidence}</td></tr>')
    return f'<table class="header">{"".join(rows)}</table>'


def _has_detail(row: dict[str, Any]) -> bool:
    return bool(row.get("needs_review") or row.get("reviewed") or row.get("corrections") or row.get("crop"))


def _targets_html(doc: dict[str, Any], images: Mapping[str, str]) -> str:
    head = ("<tr><th>#</th><th>Program / activity</th><th>Strategic goal</th><th>Indicator</th>"
            "<th>Target</th><th>Value</th><th>Unit</th><th>Conf.</th><th>Status</th></tr>")
    rows = []
    for i, t in enumerate(doc.get("targets", ()), 1):
        tv = t.get("target") or {}
        cls = _row_class(t)
        badge = _badge(t.get("reviewed"), _flagged(t))
        section = " / ".join(esc(x) for x in (t.get("program"), t.get("activity")) if x)
        indicator = esc(t.get("indicator"))
        if t.get("indicator_parent"):
            indicator = f"<small>{esc(t['indicator_parent'])}</small><br>{indicator}"
        rows.append(
            f'<tr class="{cls}" id="{esc(doc["agreement_id"])}-t{i}"><td class="num">{i}</td>'
            f"<td>{section}</td>"
            f"<td>{esc(t.get('strategic_goal'))}</td><td>{indicator}</td><td>{esc(tv.get('raw'))}</td>"
            f"<td class=\"num\">{esc(_number(tv.get('value')))}</td><td>{esc(tv.get('unit'))}</td>"
            f"<td class=\"num\">{esc(_number(t.get('confidence')))}</td><td>{badge}</td></tr>")
        if _has_detail(t):
            evidence = _evidence(f"{t.get('indicator')} = {tv.get('raw')}", t.get("review_reasons", ()),
                                 t.get("corrections", ()), t.get("crop"), images, badge)
            rows.append(f'<tr class="detail {cls}"><td></td><td colspan="8">{evidence}</td></tr>')
    if not rows:
        return "<p>No target rows were found.</p>"
    return f'<table class="targets">{head}{"".join(rows)}</table>'


def _budget_html(doc: dict[str, Any], images: Mapping[str, str]) -> str:
    head = ("<tr><th>#</th><th>Name</th><th>Amount</th><th>As printed</th><th>Note</th><th>Conf.</th>"
            "<th>Status</th></tr>")
    rows = []
    for i, b in enumerate(doc.get("budget", ()), 1):
        cls = _row_class(b)
        badge = _badge(b.get("reviewed"), _flagged(b))
        rows.append(
            f'<tr class="{cls}" id="{esc(doc["agreement_id"])}-b{i}"><td class="num">{i}</td>'
            f"<td>{esc(b.get('name'))}</td><td class=\"num\">{esc(rupiah(b.get('amount')))}</td>"
            f"<td>{esc(b.get('raw'))}</td><td>{esc(b.get('note'))}</td>"
            f"<td class=\"num\">{esc(_number(b.get('confidence')))}</td><td>{badge}</td></tr>")
        if _has_detail(b):
            evidence = _evidence(f"{b.get('name')} = {b.get('raw')}", b.get("review_reasons", ()),
                                 b.get("corrections", ()), b.get("crop"), images, badge)
            rows.append(f'<tr class="detail {cls}"><td></td><td colspan="6">{evidence}</td></tr>')
    if not rows:
        return "<p>No budget lines were found.</p>"
    return f'<table class="budget">{head}{"".join(rows)}</table>'


def _part(title: str, flagged: bool, body: str) -> str:
    """A titled part of an agreement; the filter hides it when nothing in it needs review."""
    return f'<div class="part {"flagged" if flagged else "ok"}"><h3>{esc(title)}</h3>{body}</div>'


def agreement_html(doc: dict[str, Any], images: Mapping[str, str]) -> str:
    """One agreement: header, targets, budget, warnings."""
    aid = doc["agreement_id"]
    n_open = open_values(doc)
    cls = "flagged" if n_open else "ok"
    title = " — ".join(esc(x) for x in (doc.get("organization"), doc.get("subunit")) if x) or esc(aid)
    src = doc.get("source") or {}
    pages = ", ".join(str(p) for p in src.get("pages", ()))
    status = f'<span class="badge flag">{n_open} to review</span>' if n_open else ""
    warnings = "".join(f"<li>{esc(w)}</li>" for w in doc.get("warnings", ()))
    return (f'<section class="agreement {cls}" id="{esc(aid)}"><h2>{title} {status}</h2>'
            f'<p class="meta">{esc(aid)} · {esc(src.get("file"))} · pages {esc(pages)}</p>'
            + _part("Header", bool(doc.get("needs_review")), _header_html(doc, images))
            + _part(f"Targets ({len(doc.get('targets', ()))})", any(map(_flagged, doc.get("targets", ()))),
                    _targets_html(doc, images))
            + _part(f"Budget ({len(doc.get('budget', ()))})", any(map(_flagged, doc.get("budget", ()))),
                    _budget_html(doc, images))
            + (f'<h3>Warnings</h3><ul class="warnings">{warnings}</ul>' if warnings else "")
            + "</section>")


def summary_html(docs: Sequence[dict[str, Any]], manifest: Sequence[dict[str, Any]]) -> str:
    """Figures of the run, failed files with their errors, files, and an index of agreements."""
    failed = [m for m in manifest if m.get("status") == "failed"]
    figures = (
        ("files", len(manifest)), ("failed files", len(failed)), ("agreements", len(docs)),
        ("target rows", sum(len(d.get("targets", ())) for d in docs)),
        ("budget lines", sum(len(d.get("budget", ())) for d in docs)),
        ("values to review", sum(map(open_values, docs))),
        ("values reviewed", sum(map(reviewed_values, docs))),
    )
    fig = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in figures)
    fail = "".join(f"<li><b>{esc(m.get('file'))}</b>: {esc(m.get('error'))}</li>" for m in failed)
    files = "".join(
        f'<tr class="{"flagged" if m.get("status") == "failed" else "ok"}"><td>{esc(m.get("file"))}</td>'
        f"<td>{esc(m.get('status'))}</td><td class=\"num\">{esc(m.get('agreements'))}</td>"
        f"<td class=\"num\">{esc(m.get('pages'))}</td><td class=\"num\">{esc(m.get('seconds'))}</td>"
        f"<td>{esc(m.get('error') or m.get('note') or '; '.join(m.get('warnings', ())))}</td></tr>"
        for m in manifest)
    index = "".join(
        f'<tr class="{"flagged" if open_values(d) else "ok"}"><td><a href="#{esc(d["agreement_id"])}">'
        f"{esc(d['agreement_id'])}</a></td><td>{esc(d.get('organization'))}</td><td>{esc(d.get('subunit'))}</td>"
        f"<td class=\"num\">{esc(d.get('year'))}</td><td class=\"num\">{len(d.get('targets', ()))}</td>"
        f"<td class=\"num\">{len(d.get('budget', ()))}</td><td class=\"num\">{open_values(d)}</td></tr>"
        for d in docs)
    return ('<section id="summary"><h2>Summary</h2>'
            f'<table class="figures">{fig}</table>'
            + (f'<h3>Failed files</h3><ul class="failed">{fail}</ul>' if fail else "")
            + (_part("Files", bool(failed), "<table><tr><th>file</th><th>status</th><th>agreements</th>"
                     "<th>pages</th><th>seconds</th><th>error / note</th></tr>"
                     f"{files}</table>") if files else "")
            + (_part("Agreements", any(map(open_values, docs)), "<table><tr><th>agreement</th>"
                     "<th>organisation</th><th>subunit</th><th>year</th><th>targets</th><th>budget lines</th>"
                     f"<th>to review</th></tr>{index}</table>") if index else "")
            + "</section>")


def render_report(docs: Sequence[dict[str, Any]], manifest: Sequence[dict[str, Any]],
                  images: Mapping[str, str], generated: str = "") -> str:
    """The whole page; `images` maps a crop's relative path to its `data:` URI."""
    body = summary_html(docs, manifest) + "".join(agreement_html(d, images) for d in docs)
    csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>Review report: {len(docs)} agreements</title>"
            f"<style>{_CSS}{_FILTER_CSS}</style></head><body>"
            f'<h1>Review report</h1><p class="meta">{len(docs)} agreements · '
            f"ocr-pipeline {esc(__version__)}"
            + (f" · {esc(generated)}" if generated else "") + "</p>"
            '<div class="bar"><label><input type="checkbox" id="only-review"> '
            "Show only what needs review</label></div>"
            f"{body}<script>{_SCRIPT}</script></body></html>\n")


def write_report(out_dir: Path, docs: Sequence[dict[str, Any]], manifest: Sequence[dict[str, Any]]) -> Path:
    """Write `DIR/report.html` (atomically) for `docs` and the run's `manifest` entries; its path."""
    out_dir = Path(out_dir)
    images = embed_crops(out_dir, crop_paths(docs))
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    path = out_dir / REPORT_FILE
    export.atomic_write(path, render_report(docs, manifest, images, generated=now))
    return path


__all__ = ["REPORT_FILE", "embed_crops", "render_report", "write_report"]
