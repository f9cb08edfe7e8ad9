#!/usr/bin/env python
"""Draft the ground truth of the real born-digital and docx-rendered agreements.

Reads `shared/realdata/` (see its README.md) and writes one JSON list of
agreements per PDF to `benchmarks/realdata_truth/<pdf stem>.truth.json`, each
agreement valid against `ocr_pipeline/agreement.schema.json`.

Where the truth comes from (never from OCR):

* `pk_docx_rendered/`: the target table and the budget table come from
  `tables_truth/*.tables.json` (the cells read from the .docx XML); header
  fields (title, organisation, parties, place, date) come from pdfplumber's
  exact text layer of the rendered PDF; the page of each row is found by
  searching the row's text in the PDF's text layer, column by column.
* `pk_born_digital/`: the target table comes from pdfplumber's table
  extraction of the ruled table; the borderless budget list and the header
  fields come from pdfplumber's words and lines.

Every draft was then checked by eye against a render of its pages; where this
script was wrong, the fix is in `HAND_FIXES` below (and in NOTES.md), so the
whole process is reproducible:

    .venv/bin/python benchmarks/make_realdata_truth.py            # write the files
    .venv/bin/python benchmarks/make_realdata_truth.py --dump X   # also a text dump to check by eye

Conventions (units, raw dates, list items, ...) are documented in
`benchmarks/realdata_truth/NOTES.md`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "benchmarks" / "realdata_truth"
DEFAULT_REALDATA = Path(os.environ.get("OCR_REALDATA", ROOT.parent / "shared" / "realdata"))

# --------------------------------------------------------------------------- text helpers

PERCENT_WORDS = {"%", "persen", "prosentase", "persentase"}
MONTHS = {
    "januari": 1,
    "februari": 2,
    "pebruari": 2,
    "maret": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "agustus": 8,
    "september": 9,
    "oktober": 10,
    "nopember": 11,
    "november": 11,
    "desember": 12,
}


def one_line(s: str | None) -> str:
    """Contract normalisation: one line, runs of space collapsed, hyphen at a break joined."""
    if s is None:
        return ""
    s = s.replace("\u00a0", " ").replace("\t", " ")
    s = re.sub(
        r"(?<=\w)-[ ]*\n\s*", "-", s
    )  # 'Nilai-\nnilai' -> 'Nilai-nilai' (real hyphens: no auto-hyphenation here)
    s = re.sub(r"\s+", " ", s)
    return s.strip(" |_")


def nospace(s: str) -> str:
    return re.sub(r"\s+", "", s).lower()


LIST_MARKER = re.compile(r"^(?:\d{1,2}\.|[a-z]\.|[•\-–])\s*(?=\S)")


def strip_marker(s: str) -> str:
    """Drop a list marker ('1. ', 'a.', '• ', '- ') in front of an indicator or budget name."""
    return LIST_MARKER.sub("", s, count=1).strip()


def num(tok: str) -> float | int:
    """'1.100.000' -> 1100000, '50.00' -> 50, '47,08' -> 47.08, '5.250' -> 5250."""
    t = tok
    if "," in t and "." in t:
        t = t.replace(".", "").replace(",", ".")
    elif "," in t:
        t = t.replace(",", ".")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", t):
        t = t.replace(".", "")
    v = float(t)
    return int(v) if v == int(v) else v


def unit_of(word: str | None) -> str | None:
    if word is None:
        return None
    u = one_line(word).lower()
    u = re.sub(r"\s*/\s*", "/", u)
    if not u:
        return None
    if u in PERCENT_WORDS:
        return "%"
    return u


def parse_target(raw: str, satuan: str | None = None) -> dict[str, Any]:
    """raw as printed (one line) -> {raw, value, unit}. See NOTES.md for the rules."""
    raw = one_line(raw)
    m = re.match(r"^([-+]?\d[\d.,]*)\s*(.*)$", raw)
    if not m:
        return {"raw": raw, "value": None, "unit": None}  # e.g. 'A' (a grade), 'WTP'
    value = num(m.group(1).rstrip(".,"))
    rest = m.group(2).strip()
    if re.search(r"(?:,|\bdan)\s*\d", rest):  # compound: '8 Jenis dan 5 Dokumen'
        return {"raw": raw, "value": None, "unit": None}
    if satuan is not None and one_line(satuan):
        return {"raw": raw, "value": value, "unit": unit_of(satuan)}
    return {"raw": raw, "value": value, "unit": unit_of(rest) if rest else None}


AMOUNT_RE = re.compile(r"^(?:Rp\.?)?\d{1,3}(?:[.,]?\d{3})+(?:,\d{2}|,-)?(?:,-)?$")


def is_amount(t: str) -> bool:
    return bool(AMOUNT_RE.match(t)) and len(re.sub(r"\D", "", t)) >= 6


def parse_amount(raw: str) -> int | None:
    t = raw.replace(" ", "")
    t = re.sub(r"^Rp\.?", "", t, flags=re.I)
    t = re.sub(r",-$", "", t)
    t = re.sub(r",\d{2}$", "", t)  # ',00' decimals
    digits = re.sub(r"\D", "", t)
    return int(digits) if digits else None


def parse_date(raw: str | None) -> str | None:
    if not raw:
        return None
    m = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", raw.strip())
    if not m or m.group(2).lower() not in MONTHS:
        return None
    return f"{int(m.group(3)):04d}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"


def date_raw(s: str) -> str:
    s = s.replace("…", "...")
    s = re.sub(r"\.{2,}", "...", s)
    return re.sub(r"\s+", " ", s).strip()


PLACE_DATE = re.compile(r"^\s*([A-Z][A-Za-z]+),\s*(.*\b(?:19|20)\d{2})\s*$")


def slug(stem: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", stem.lower())).strip("-")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- pdf helpers


class Pdf:
    def __init__(self, path: Path):
        self.path = path
        self.pdf = pdfplumber.open(path)
        self.pages = self.pdf.pages
        self.texts = [p.extract_text() or "" for p in self.pages]
        self._words: dict[int, list[dict]] = {}

    def lines(self, pno: int) -> list[str]:
        return [ln for ln in self.texts[pno - 1].splitlines() if ln.strip()]

    def words(self, pno: int) -> list[dict]:
        if pno not in self._words:
            self._words[pno] = self.pages[pno - 1].extract_words(x_tolerance=1.5, y_tolerance=2.5)
        return self._words[pno]

    def nonblank_pages(self) -> list[int]:
        return [i + 1 for i, t in enumerate(self.texts) if t.strip()]

    def column_stream(
        self, x0: float, x1: float, pages: list[int], top: dict[int, float] | None = None
    ) -> list[tuple[int, str]]:
        """Text of a column (words whose centre lies in [x0, x1]) per page, spaces removed."""
        out = []
        for p in pages:
            ws = [
                w
                for w in self.words(p)
                if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and (top is None or w["top"] >= top.get(p, 0))
            ]
            ws.sort(key=lambda w: (round(w["top"] / 3), w["x0"]))
            out.append((p, nospace("".join(w["text"] for w in ws))))
        return out


def group_lines(words: list[dict], tol: float = 3.0) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= tol:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(ln, key=lambda w: w["x0"]) for ln in lines]


class Seeker:
    """Finds, in document order, on which page a piece of column text starts."""

    def __init__(self, stream: list[tuple[int, str]]):
        self.stream = stream
        self.pi, self.ci = 0, 0

    def find(self, text: str, n: int = 28) -> int | None:
        key = nospace(text)[:n]
        if not key:
            return None
        for pi in range(self.pi, len(self.stream)):
            page, s = self.stream[pi]
            start = self.ci if pi == self.pi else 0
            k = s.find(key, start)
            if k >= 0:
                self.pi, self.ci = pi, k + len(key)
                return page
            # a key split across a page break: accept when it starts at the end of this page
            tail = s[start:]
            for cut in range(min(len(key) - 1, len(tail)), 5, -1):
                if (
                    tail.endswith(key[:cut])
                    and pi + 1 < len(self.stream)
                    and self.stream[pi + 1][1].startswith(key[cut:])
                ):
                    self.pi, self.ci = pi + 1, len(key) - cut
                    return page
        return None


# --------------------------------------------------------------------------- header fields


def parse_letter(lines: list[str]) -> dict[str, Any]:
    """Nama / Jabatan blocks of the letter page: first is PIHAK PERTAMA/KESATU, second PIHAK KEDUA."""
    parties = []
    i = 0
    while i < len(lines):
        m = re.match(r"^\s*Nama\s*:\s*(.*)$", lines[i])
        if m:
            name = one_line(m.group(1))
            pos_lines = []
            j = i + 1
            if j < len(lines):
                mj = re.match(r"^\s*Jabatan\s*:\s*(.*)$", lines[j])
                if mj:
                    pos_lines.append(mj.group(1))
                    j += 1
                    while j < len(lines) and not re.match(
                        r"^\s*(Selanjutnya|selanjutnya|Selaku|selaku|Nama)\b", lines[j]
                    ):
                        pos_lines.append(lines[j])
                        j += 1
            parties.append({"name": name or None, "position": one_line("\n".join(pos_lines)) or None})
            i = j
            continue
        i += 1
    called = None
    txt = "\n".join(lines)
    m = re.search(r"disebut\s+(PIHAK\s+(?:PERTAMA|KESATU)|pihak\s+KESATU)", txt)
    if m:
        called = one_line(m.group(1))
    return {"parties": parties, "called": called}


def find_place_date(lines: list[str]) -> tuple[str | None, str | None]:
    for ln in lines:
        m = PLACE_DATE.match(ln)
        if m and not re.search(r"Nama|Jabatan", ln):
            return m.group(1), date_raw(m.group(2))
    return None, None


def find_title(lines: list[str]) -> tuple[str | None, int | None]:
    for ln in lines:
        m = re.search(r"PERJANJIAN KINERJA TAHUN\s+((?:19|20)\d{2})", ln)
        if m:
            return one_line(m.group(0)), int(m.group(1))
    return None, None


def clean_org(lines: list[str]) -> str | None:
    parts: list[str] = []
    for ln in lines:
        ln = one_line(ln.replace("[]", ""))
        if not ln:
            continue
        if parts and ln in " ".join(parts):  # the 2017 template repeats 'PROVINSI JAWA BARAT'
            continue
        parts.append(ln)
    return " ".join(parts) or None


# --------------------------------------------------------------------------- docx-rendered


def table_kind(table: list[list[dict]]) -> str | None:
    head = " ".join(c["text"] for c in table[0]).lower()
    if "sasaran" in head and ("indikator" in head or "target" in head):
        return "targets"
    if "program" in head and "anggaran" in head:
        return "budget"
    return None


def cell_at(row: list[dict], col: int) -> dict | None:
    for c in row:
        if c["col"] <= col < c["col"] + c["colspan"]:
            return c
    return None


def split_items(text: str) -> list[str]:
    return [one_line(x) for x in text.split("\n") if one_line(x)]


def docx_targets(table: list[list[dict]], problems: list[str]) -> list[dict]:
    head = table[0]
    cols = {}
    for c in head:
        t = c["text"].lower()
        for key, word in (("no", "no"), ("goal", "sasaran"), ("ind", "indikator"), ("target", "target")):
            if key not in cols and (t.startswith(word) if key == "no" else word in t):
                cols[key] = c["col"]
    rows = []
    goal = ""
    for r in table[1:]:
        texts = {k: (cell_at(r, v) or {}).get("text", "") for k, v in cols.items()}
        if re.fullmatch(r"\(?1\)?", texts.get("no", "").strip()) and re.fullmatch(
            r"\(?2\)?", texts["goal"].strip()
        ):
            continue  # the numbering row (1) (2) (3) (4)
        gcell = cell_at(r, cols["goal"]) or {}
        if gcell.get("vmerge") == "continue":
            pass
        elif one_line(texts["goal"]):
            goal = one_line(texts["goal"])
        elif not one_line(texts["ind"]) and not one_line(texts["target"]):
            continue
        inds = split_items(texts["ind"])
        tgts = split_items(texts["target"])
        if not inds and not tgts:
            continue  # a sasaran without indicator nor target: no target row
        if len(inds) != len(tgts):
            problems.append(f"row with {len(inds)} indicators and {len(tgts)} targets: {inds} / {tgts}")
            continue
        for ind, tg in zip(inds, tgts, strict=True):
            rows.append({"strategic_goal": goal, "indicator": ind, "target_raw": tg})
    return rows


def docx_budget(table: list[list[dict]]) -> list[dict]:
    head = table[0]
    ket_col = None
    for c in head:
        if re.match(r"ket", c["text"].strip(), re.I):
            ket_col = c["col"]
    lines = []
    for r in table[1:]:
        amount_cell = None
        for c in r:
            if is_amount(re.sub(r"\s+", "", c["text"])):
                amount_cell = c
        if amount_cell is None:
            continue
        name_cells = [
            c
            for c in r
            if c["col"] < amount_cell["col"]
            and one_line(c["text"])
            and not re.fullmatch(r"\d+\.?|Rp\.?", one_line(c["text"]))
        ]
        name = one_line(" ".join(c["text"] for c in name_cells))
        if not name or re.fullmatch(r"(?i)j\s*u\s*m\s*l\s*a\s*h|total|jumlah", name):
            continue
        rp = [c for c in r if re.fullmatch(r"Rp\.?", one_line(c["text"]))]
        raw = one_line(((rp[0]["text"] + " ") if rp else "") + amount_cell["text"])
        note = None
        if ket_col is not None:
            nc = cell_at(r, ket_col)
            if nc is not None and nc is not amount_cell:
                note = one_line(nc["text"]) or None
        lines.append({"name": strip_marker(name), "raw": raw, "amount": parse_amount(raw), "note": note})
    return lines


def header_cell_ranges(pdf: Pdf, page: int, labels: dict[str, str]) -> dict[str, tuple[float, float]]:
    """x-ranges of the header cells of the ruled table on `page` whose text starts with a label."""
    out = {}
    for t in pdf.pages[page - 1].find_tables():
        for row in t.rows[:2]:
            for bbox in row.cells:
                if bbox is None:
                    continue
                txt = (pdf.pages[page - 1].crop(bbox).extract_text() or "").strip().lower()
                for key, lab in labels.items():
                    if key not in out and txt.startswith(lab):
                        out[key] = (bbox[0], bbox[2])
        if out:
            return out
    return out


def words_budget(pdf: Pdf, pages: list[int], problems: list[str]) -> list[dict]:
    """A borderless (or ruled) budget list, read from words: name | [Rp] amount | Ket."""
    out: list[dict] = []
    started = False
    note_x = None
    items: list[dict] = []
    for p in pages:
        for ln in group_lines(pdf.words(p)):
            text = " ".join(w["text"] for w in ln)
            if not started:
                if re.search(r"\bAnggaran\b", text, re.I) and re.search(r"Program|PROGRAM", text):
                    started = True
                    for w in ln:
                        if re.match(r"(?i)ket", w["text"]):
                            note_x = w["x0"] - 12
                continue
            if (
                PLACE_DATE.match(text)
                or re.match(r"^(PIHAK|GUBERNUR|KEPALA\b)", text)
                or re.match(r"(?i)^j\s*u\s*m\s*l\s*a\s*h", text)
            ):
                started = False
                break
            name_w, amt_w, note_w = [], [], []
            for w in ln:
                t = w["text"]
                if note_x is not None and w["x0"] >= note_x:
                    note_w.append(t)
                elif re.fullmatch(r"Rp\.?", t) or is_amount(t):
                    amt_w.append(t)
                else:
                    name_w.append(t)
            name = " ".join(name_w)
            starts = bool(re.match(r"^(\d{1,2}\.?|-)(\s|$)", name)) or (
                bool(re.match(r"^(Program|Kegiatan)\b", name))
                and items
                and strip_marker(re.sub(r"^\d{1,2}\.?\s*", "", items[-1]["name"])) != ""
            )
            if starts or not items:
                items.append({"name": name, "amt": [], "note": [], "page": None})
            else:
                items[-1]["name"] = (items[-1]["name"] + "\n" + name).strip()
            if any(re.search(r"\d", a) for a in amt_w):
                if items[-1]["amt"] and any(re.search(r"\d", a) for a in items[-1]["amt"]):
                    problems.append(f"two amounts in one budget item: {items[-1]}")
                items[-1]["page"] = p
            items[-1]["amt"] += amt_w
            items[-1]["note"] += note_w
    for it in items:
        if not any(re.search(r"\d", a) for a in it["amt"]):
            continue  # a heading without an amount of its own is not a budget line
        name = one_line(it["name"])
        name = re.sub(r"^\d{1,2}\.?\s+", "", name)
        name = strip_marker(name)
        raw = one_line(" ".join(it["amt"]))
        out.append(
            {
                "name": name,
                "raw": raw,
                "amount": parse_amount(raw),
                "note": one_line(" ".join(it["note"])) or None,
                "page": it["page"],
            }
        )
    return out


def target_row(goal: str, ind: str, tgt: dict, page: int, parent: str | None = None) -> dict:
    return {
        "program": None,
        "activity": None,
        "strategic_goal": goal,
        "indicator_parent": parent,
        "indicator": ind,
        "indicator_id": None,
        "target": tgt,
        "page": page,
        "confidence": 1.0,
        "needs_review": False,
        "review_reasons": [],
        "corrections": [],
    }


def budget_line(b: dict, page: int) -> dict:
    return {
        "name": b["name"],
        "amount": b["amount"],
        "raw": b["raw"],
        "note": b["note"],
        "page": page,
        "confidence": 1.0,
        "needs_review": False,
        "review_reasons": [],
    }


def agreement(pdf_path: Path, idx: int, pages: list[int], **kw: Any) -> dict:
    doc = {
        "schema_version": "1.0",
        "agreement_id": f"{slug(pdf_path.stem)}-{idx:02d}",
        "source": {"file": pdf_path.name, "sha256": sha256(pdf_path), "pages": pages},
        "title": None,
        "year": None,
        "organization": None,
        "subunit": None,
        "first_party": {"name": None, "position": None},
        "second_party": {"name": None, "position": None},
        "signed_place": None,
        "signed_date": None,
        "signed_date_raw": None,
        "targets": [],
        "budget": [],
        "needs_review": [],
        "warnings": [],
    }
    doc.update(kw)
    if doc["signed_date_raw"] and not doc["signed_date"]:
        doc["signed_date"] = parse_date(doc["signed_date_raw"])
    return doc


def docx_document(realdata: Path, stem: str, problems: list[str]) -> list[dict]:
    pdf_path = realdata / "pk_docx_rendered" / "pdf" / f"{stem}.pdf"
    tt = json.loads(
        (realdata / "pk_docx_rendered" / "tables_truth" / f"{stem}.tables.json").read_text("utf-8")
    )
    pdf = Pdf(pdf_path)
    pages = pdf.nonblank_pages()
    p1 = pdf.lines(1)
    title, year = find_title(p1)
    ti = next(i for i, ln in enumerate(p1) if "PERJANJIAN KINERJA" in ln)
    if ti > 0:  # e-SAKIP template: office lines above the title
        org = clean_org(p1[:ti])
    else:  # hand-made: the office heads the table page
        tpage = next(p for p in pages if re.search(r"sasaran", pdf.texts[p - 1], re.I) and p > 1)
        tl = pdf.lines(tpage)
        k = next(i for i, ln in enumerate(tl) if "PERJANJIAN KINERJA" in ln)
        org_lines = []
        for ln in tl[k + 1 :]:
            if re.match(r"^(NO|No)\b", ln) or re.search(r"SASARAN|Sasaran|TARGET", ln):
                break
            org_lines.append(ln)
        org = clean_org(org_lines)
    letter = parse_letter(p1)
    place, draw = find_place_date(p1)
    first = letter["parties"][0] if letter["parties"] else {"name": None, "position": None}
    second = letter["parties"][1] if len(letter["parties"]) > 1 else {"name": None, "position": None}

    # targets and budget from the XML tables
    rows, blines = [], []
    for t in tt["tables"]:
        k = table_kind(t)
        if k == "targets" and not rows:
            rows = docx_targets(t, problems)
        elif k == "budget" and not blines:
            blines = docx_budget(t)
    # pages: search each row in the column streams of the text layer
    tpages = [p for p in pages if p > 1]
    first_tp = next(
        (p for p in tpages if re.search(r"Indikator|INDIKATOR", pdf.texts[p - 1])), tpages[0] if tpages else 1
    )
    rng = header_cell_ranges(pdf, first_tp, {"ind": "indikator", "goal": "sasaran", "tgt": "target"})
    targets = []
    if rows:
        seek = Seeker(pdf.column_stream(*rng["ind"], [p for p in tpages if p >= first_tp]))
        for r in rows:
            page = seek.find(r["indicator"])
            if page is None:
                problems.append(f"page not found for indicator {r['indicator']!r}")
                page = first_tp
            targets.append(
                target_row(r["strategic_goal"], r["indicator"], parse_target(r["target_raw"]), page)
            )
    budget = []
    if not blines and not any(table_kind(t) == "budget" for t in tt["tables"]):
        # budget as body text (not a table): read it from the words
        for b in words_budget(pdf, tpages, problems):
            budget.append(budget_line(b, b["page"]))
    elif blines:
        bpage = next(p for p in tpages if re.search(r"Anggaran|ANGGARAN", pdf.texts[p - 1]))
        brng = header_cell_ranges(pdf, bpage, {"amt": "anggaran"})
        # a borderless budget list has no header cell: search the whole width of the page
        x0, x1 = brng.get("amt", (0, float(pdf.pages[bpage - 1].width)))
        seek = Seeker(pdf.column_stream(x0 - 2, x1 + 2, [p for p in tpages if p >= bpage]))
        for b in blines:
            amt = re.sub(r"^Rp\.?\s*", "", b["raw"])
            page = seek.find(amt, n=len(nospace(amt)) - 1) or seek.find(amt[:6], n=6)
            if page is None:
                problems.append(f"page not found for budget {b}")
                page = bpage
            budget.append(budget_line(b, page))
    return [
        agreement(
            pdf_path,
            1,
            pages,
            title=title,
            year=year,
            organization=org,
            first_party=first,
            second_party=second,
            signed_place=place,
            signed_date_raw=draw,
            targets=targets,
            budget=budget,
            _called=letter["called"],
        )
    ]


# --------------------------------------------------------------------------- born-digital

# Which born-digital files hold agreements, and how. 'lampiran': every page is one agreement
# (a Lampiran page with its own signature block, no letter). 'letter': one agreement made of a
# letter page, a target table page and a budget page.
BORN: dict[str, dict[str, Any]] = {
    "1507012479_pk_2016_ess_2.pdf": {"kind": "letter", "letter": 1, "targets": [2], "budget": [3]},
    "PK KADIS 2017.pdf": {"kind": "letter", "letter": 2, "targets": [3], "budget": [4], "satuan": True},
    "Perjanjian Kinerja TA. 2016 Fix.pdf": {"kind": "letter", "letter": 1, "targets": [2], "budget": [3]},
    "LAMPIRAN PERJANJIAN KINERJA 2016 CAGAR BUDAYA.pdf": {"kind": "lampiran"},
    "LAMPIRAN PERJANJIAN KINERJA 2016 KADISPARBUD.pdf": {"kind": "lampiran"},
    "LAMPIRAN PERJANJIAN KINERJA 2016 KEMITRAAN KABALAI.pdf": {"kind": "lampiran"},
    "LAMPIRAN PERJANJIAN KINERJA 2016 TAMBUD.pdf": {"kind": "lampiran"},
    "LAMPIRAN PERJANJIAN KINERJA BIDANG KEBUDAYAAN.pdf": {"kind": "lampiran"},
    "LAMPIRAN PERJANJIAN KINERJA BIDANG KESENIAN.pdf": {"kind": "lampiran"},
    "LAMPIRAN PERJANJIAN KINERJA BIDANG PARIWISATA.pdf": {"kind": "lampiran"},
    "LAMPIRAN PERJANJIAN KINERJA BIDANG PEMASARAN.pdf": {"kind": "lampiran"},
    "PERJANJIAN KINERJA TAHUN 2016 Museum.pdf": {"kind": "lampiran"},
    "PERJANJIAN KINERJA TAHUN 2016 TMII.pdf": {"kind": "lampiran"},
}
NOT_AGREEMENTS = {
    "12. lampiran 3 RKT Tahun 2016.pdf": "RKT (Rencana Kinerja Tahunan) of Dinas Perhubungan: a work plan",
    "Lampiran Renja 2016.pdf": "Renja (Rencana Kerja) of Inspektorat: a work plan",
    "RKT Lampiran I.pdf": "RKT Lampiran I of Inspektorat: a work plan (targets vs. baseline)",
    "RKT Lampiran II.pdf": "RKT Lampiran II of Inspektorat: a work plan (programme/activity budget)",
    "PK BANDING.pdf": "Pengukuran Kinerja (performance measurement: targets vs. realisation 2015/2016)",
}


def born_targets(pdf: Pdf, page: int, satuan: bool, problems: list[str]) -> list[dict]:
    rows = []
    for t in pdf.pages[page - 1].find_tables():
        data = t.extract()
        head = [one_line(c or "").lower() for c in data[0]]
        if not any("sasaran" in h for h in head):
            continue

        # map header labels to the data columns (a header cell may sit one column right of its data)
        def col(word: str, head: list[str] = head) -> int:
            return next(i for i, h in enumerate(head) if h.startswith(word) or word in h)

        cols = {"goal": col("sasaran"), "ind": col("indikator"), "tgt": col("target")}
        if satuan:
            cols["sat"] = col("satuan")
        body = data[1:]
        real = [r for r in body if not all(re.fullmatch(r"\d?", one_line(c or "")) for c in r)]
        count = {i: sum(1 for r in real if one_line(r[i] or "")) for i in range(len(head))}
        for k, i in list(cols.items()):
            if i > 0 and count[i - 1] > count[i]:
                cols[k] = i - 1
        goal = ""
        for r in body:
            g = one_line(r[cols["goal"]] or "")
            ind = one_line(r[cols["ind"]] or "")
            tg = one_line(r[cols["tgt"]] or "")
            if re.fullmatch(r"\d", g) and re.fullmatch(r"\d", ind):
                continue  # numbering row 1 2 3 4
            if g:
                goal = g
            if not ind and not tg:
                continue
            sat = one_line(r[cols["sat"]] or "") if satuan else None
            rows.append(target_row(goal, strip_marker(ind), parse_target(tg, sat), page))
        break
    if not rows:
        problems.append(f"no target table on page {page}")
    return rows


def signature_columns(pdf: Pdf, page: int) -> tuple[list[str], list[str]]:
    """Lines of the left (PIHAK KEDUA) and right (PIHAK KESATU) signature columns, below the labels."""
    lines = group_lines(pdf.words(page))
    lab = None
    for i, ln in enumerate(lines):
        txt = " ".join(w["text"] for w in ln)
        if re.search(r"PIHAK\s+KEDUA", txt) and re.search(r"PIHAK\s+KESATU", txt):
            lab = i
    if lab is None:
        return [], []
    labw = [w for w in lines[lab] if w["text"] == "PIHAK"]
    split = (labw[0]["x1"] + labw[-1]["x0"]) / 2 + 20
    left, right = [], []
    for ln in lines[lab + 1 :]:
        lw = [w for w in ln if (w["x0"] + w["x1"]) / 2 < split]
        rw = [w for w in ln if (w["x0"] + w["x1"]) / 2 >= split]
        if lw:
            left.append(" ".join(w["text"] for w in lw))
        if rw:
            right.append(" ".join(w["text"] for w in rw))
    return left, right


def lampiran_agreement(pdf_path: Path, pdf: Pdf, page: int, idx: int, problems: list[str]) -> dict:
    lines = pdf.lines(page)
    title, year = find_title(lines)
    head = []
    for ln in lines[1:]:
        if re.match(r"^No\s", ln):
            break
        head.append(ln)
    org = next((one_line(ln) for ln in head if ln.startswith("DINAS")), None)
    k = next((i for i, ln in enumerate(head) if ln.startswith("KEPALA")), None)
    position = one_line("\n".join(head[k:])) if k is not None else None
    sub = [ln for i, ln in enumerate(head) if not ln.startswith("DINAS") and (k is None or i < k)]
    subunit = one_line(" ".join(sub)) or None
    place, draw = find_place_date(lines)
    left, right = signature_columns(pdf, page)
    first = {"name": one_line(right[0]) if right else None, "position": position}
    second = {"name": one_line(left[0]) if left else None, "position": None}
    targets = born_targets(pdf, page, False, problems)
    budget = [budget_line(b, b["page"]) for b in words_budget(pdf, [page], problems)]
    return agreement(
        pdf_path,
        idx,
        [page],
        title=title,
        year=year,
        organization=org,
        subunit=subunit,
        first_party=first,
        second_party=second,
        signed_place=place,
        signed_date_raw=draw,
        targets=targets,
        budget=budget,
        _called="PIHAK KESATU",
    )


def letter_agreement(pdf_path: Path, pdf: Pdf, spec: dict, problems: list[str]) -> dict:
    lp = spec["letter"]
    lines = pdf.lines(lp)
    title, year = find_title(lines)
    letter = parse_letter(lines)
    place, draw = find_place_date(lines)
    if draw is None:  # the date is under the budget page's signatures
        for p in spec["budget"]:
            place, draw = find_place_date(pdf.lines(p))
    tp = spec["targets"][0]
    tl = pdf.lines(tp)
    k = next(i for i, ln in enumerate(tl) if "PERJANJIAN KINERJA" in ln)
    org_lines = []
    for ln in tl[k + 1 :]:
        if re.match(r"^(NO|No)\b", ln):
            break
        if not ln.startswith("KEPALA"):
            org_lines.append(ln)
    targets = []
    for p in spec["targets"]:
        targets += born_targets(pdf, p, spec.get("satuan", False), problems)
    budget = [budget_line(b, b["page"]) for b in words_budget(pdf, spec["budget"], problems)]
    return agreement(
        pdf_path,
        1,
        pdf.nonblank_pages(),
        title=title,
        year=year,
        organization=clean_org(org_lines),
        first_party=letter["parties"][0],
        second_party=letter["parties"][1],
        signed_place=place,
        signed_date_raw=draw,
        targets=targets,
        budget=budget,
        _called=letter["called"],
    )


def born_document(realdata: Path, name: str, problems: list[str]) -> list[dict]:
    pdf_path = realdata / "pk_born_digital" / name
    pdf = Pdf(pdf_path)
    spec = BORN[name]
    if spec["kind"] == "letter":
        return [letter_agreement(pdf_path, pdf, spec, problems)]
    return [lampiran_agreement(pdf_path, pdf, p, i + 1, problems) for i, p in enumerate(pdf.nonblank_pages())]


# --------------------------------------------------------------------------- hand fixes
# Every fix below was decided by looking at the page render; NOTES.md says why.
# Keys: (pdf file name, agreement index 1-based). Values: list of (json path, new value);
# a path is a tuple of keys/indices into the agreement; ("targets", i, ...) indexes the rows.

HAND_FIXES: dict[tuple[str, int], list[tuple[tuple, Any]]] = {
    # The Kepala Dinas page is signed under position labels (GUBERNUR JAWA BARAT | KEPALA DINAS ...),
    # not under PIHAK KEDUA | PIHAK KESATU, so the signature reader finds no columns.
    ("LAMPIRAN PERJANJIAN KINERJA 2016 KADISPARBUD.pdf", 1): [
        (
            ("first_party",),
            {
                "name": "Hj. IDA HERNIDA, SH.,M.Si",
                "position": "KEPALA DINAS PARIWISATA DAN KEBUDAYAAN PROVINSI JAWA BARAT",
            },
        ),
        (("second_party",), {"name": "AHMAD HERYAWAN", "position": "GUBERNUR JAWA BARAT"}),
    ],
    # '500 ribu org': 'ribu' is a multiplier (thousand), not a unit word.
    ("1507012479_pk_2016_ess_2.pdf", 1): [
        (("targets", 8, "target"), {"raw": "500 ribu org", "value": 500000, "unit": "org"}),
    ],
}


def apply_fixes(name: str, docs: list[dict]) -> None:
    for i, doc in enumerate(docs, start=1):
        for path, value in HAND_FIXES.get((name, i), []):
            if path == ("drop_target",):
                del doc["targets"][value]
                continue
            tgt = doc
            for k in path[:-1]:
                tgt = tgt[k]
            tgt[path[-1]] = value


# --------------------------------------------------------------------------- main


def all_sources(realdata: Path) -> list[tuple[str, str]]:
    out = [("docx", p.stem) for p in sorted((realdata / "pk_docx_rendered" / "pdf").glob("*.pdf"))]
    out += [("born", n) for n in sorted(BORN)]
    return out


def build(realdata: Path, only: str | None = None) -> dict[str, tuple[list[dict], list[str]]]:
    res = {}
    for kind, name in all_sources(realdata):
        fname = f"{name}.pdf" if kind == "docx" else name
        if only and only not in fname:
            continue
        problems: list[str] = []
        docs = (
            docx_document(realdata, name, problems)
            if kind == "docx"
            else born_document(realdata, name, problems)
        )
        apply_fixes(fname, docs)
        for d in docs:
            d.pop("_called", None)
            if d["signed_date_raw"] and d["signed_date"] is None:
                d["signed_date"] = parse_date(d["signed_date_raw"])
        res[fname] = (docs, problems)
    return res


def dump(fname: str, docs: list[dict], problems: list[str]) -> str:
    out = [f"######## {fname}"]
    for p in problems:
        out.append(f"!! {p}")
    for d in docs:
        out.append(
            f"== {d['agreement_id']} pages={d['source']['pages']} title={d['title']!r} year={d['year']}"
        )
        out.append(f"   org={d['organization']!r} subunit={d['subunit']!r}")
        out.append(f"   first={d['first_party']}")
        out.append(f"   second={d['second_party']}")
        out.append(f"   place={d['signed_place']!r} date={d['signed_date']!r} raw={d['signed_date_raw']!r}")
        for i, t in enumerate(d["targets"]):
            par = f" [parent {t['indicator_parent']!r}]" if t.get("indicator_parent") else ""
            out.append(
                f"   T{i:02d} p{t['page']} | {t['strategic_goal'][:60]} | {t['indicator']}{par} | "
                f"{t['target']['raw']!r} -> {t['target']['value']!r} {t['target']['unit']!r}"
            )
        for i, b in enumerate(d["budget"]):
            out.append(
                f"   B{i:02d} p{b['page']} | {b['name']} | {b['raw']!r} -> {b['amount']} | {b['note']!r}"
            )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--realdata", type=Path, default=DEFAULT_REALDATA)
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--only", help="only files whose name contains this")
    ap.add_argument("--dump", type=Path, help="also write a text dump of every draft to check by eye")
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from ocr_pipeline.stages.export import schema_errors

    res = build(a.realdata, a.only)
    dumps, bad = [], 0
    n_ag = n_t = n_b = 0
    for fname, (docs, problems) in res.items():
        for d in docs:
            errs = schema_errors(d)
            if errs:
                bad += 1
                problems.append(f"{d['agreement_id']}: schema errors {errs[:3]}")
            n_ag += 1
            n_t += len(d["targets"])
            n_b += len(d["budget"])
        dumps.append(dump(fname, docs, problems))
        if not a.no_write:
            a.out.mkdir(parents=True, exist_ok=True)
            stem = fname[:-4]
            (a.out / f"{stem}.truth.json").write_text(
                json.dumps(docs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
    if a.dump:
        a.dump.write_text("\n".join(dumps) + "\n", encoding="utf-8")
    print(
        f"{len(res)} files, {n_ag} agreements, {n_t} target rows, {n_b} budget lines, "
        f"{bad} agreements with schema errors"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
