"""Documents: the pages of a file become agreements with their header fields.

* Splitting: an agreement starts at its letter page (the title `PERJANJIAN
  KINERJA`, `Nama` / `Jabatan` of both parties, `Pihak Pertama` or `PIHAK
  KESATU`). Pages before the first letter (a cover) join the first agreement; a
  letter repeated right after itself (a duplicate signed copy) joins it too; a file
  with tables but no letter is one agreement whose letter fields are missing.
* The letter gives the title, both parties (name and position, each on one line)
  and the place and date; the table pages give the organisation (`Nama/Unit
  Organisasi`, or the heading under the table title), the subunit (`Subbagian`)
  and `Tahun Anggaran`.
* Target rows come from the target tables of the agreement's pages (see `rows`);
  the budget list is read from the text below the last target table (see `budget`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz

from ..catalogue import regions_in
from ..records import Cell, OcrPage, Table, Word
from .budget import RawBudget, budget_lines, table_budget
from .layout import JOINING_WORDS, Line, clean_text, join_lines, union_bbox, words_to_lines
from .rows import Columns, RawRow, TextBox, header_columns, role_of, stitch_rows, table_rows
from .tables import TableSettings, find_tables
from .values import MONTHS, ParsedDate, parse_date, starts_value

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageView:
    """One page with its lines and tables, as the document stage sees it."""

    page: OcrPage
    lines: tuple[Line, ...]
    tables: tuple[tuple[Table, Columns | None, int], ...]  # table, its columns, header rows

    @property
    def number(self) -> int:
        return self.page.page

    def text_lines(self) -> list[str]:
        return [clean_text(ln.text) for ln in self.lines]


@dataclass(frozen=True, slots=True)
class Draft:
    """An agreement as read, before values are parsed, corrected and flagged."""

    pages: tuple[int, ...]
    title: TextBox | None = None
    year: int | None = None
    organization: TextBox | None = None
    subunit: TextBox | None = None
    first_name: TextBox | None = None
    first_position: TextBox | None = None
    second_name: TextBox | None = None
    second_position: TextBox | None = None
    first_signed: tuple[TextBox, ...] = ()  # the first party's name as printed under signatures
    second_signed: tuple[TextBox, ...] = ()
    place: TextBox | None = None
    date: ParsedDate | None = None
    rows: tuple[RawRow, ...] = ()
    budget: tuple[RawBudget, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    has_letter: bool = True
    has_table: bool = True


def view_page(page: OcrPage, settings: TableSettings | None = None) -> PageView:
    lines = words_to_lines(page.words)
    tables = []
    for t in find_tables(page, settings):
        cols, skip = header_columns(t)
        if (cols is None or cols.kind != "targets") and (cut := _header_cut(t)) is not None:
            got, n = header_columns(cut)
            if got is not None and got.kind == "targets":
                t, cols, skip = cut, got, n
        if cols is None and (above := _with_header_above(t, lines, page.dpi)) is not None:
            got, n = header_columns(above)
            if got is not None:
                t, cols, skip = above, got, n
        tables.append((t, cols, skip))
    return PageView(page, lines, tuple(tables))


def _header_cut(table: Table) -> Table | None:
    """The table with its first row cut in two under the header it starts with.

    When the rule under a table's header is not found, the header and the first data
    row are one row, whose cells hold too much text to name their columns. The lines
    of that row from the top, as long as it takes to name two columns one of which is
    the goal or the indicator (and the lines below that go on naming columns, without
    digits: a header wrapped over lines), are the header; the rest of the row is a row
    of its own when it has a number or a target (a row of data), else marks inside the
    header (a stamp, smudges), left out. None when the first row does not start so.
    """
    first = [c for c in table.cells if c.row == 0 and c.row_span == 1]
    words = [w for c in first for w in c.words]
    edges = table.col_edges
    if not words or len(edges) != table.n_cols + 1:
        return None

    def roles(ws: Sequence[Word]) -> list[str | None]:
        return [role_of(" ".join(w.text for w in ws if edges[c] <= w.cx < edges[c + 1]))
                for c in range(table.n_cols)]

    bands = words_to_lines(words)
    head: list[Word] = []
    for k, band in enumerate(bands):
        head.extend(band.words)
        named = [r for r in roles(head) if r]
        if len(named) >= 2 and {"goal", "indicator"} & set(named):
            break
    else:
        return None
    for band in bands[k + 1:]:
        if any(ch.isdigit() for w in band.words for ch in w.text):
            break
        before, after = roles(head), roles(head + list(band.words))
        cols = {c for w in band.words for c in range(table.n_cols) if edges[c] <= w.cx < edges[c + 1]}
        if any(after[c] is None or before[c] not in (None, after[c]) for c in cols):
            break
        head.extend(band.words)
    ids = {id(w) for w in head}
    rest = [w for w in words if id(w) not in ids]
    if not rest:
        return None
    named = roles(head)

    def below(role: str) -> str:
        return " ".join(w.text for w in rest for c in range(table.n_cols)
                        if named[c] == role and edges[c] <= w.cx < edges[c + 1])

    if not starts_value(below("target")) and not re.match(r"\s*\d{1,2}\s*[.)]?(\s|$)", below("no")):
        return replace(table, cells=tuple(
            replace(c, words=tuple(w for w in c.words if id(w) in ids)) if c.row == 0 and c.row_span == 1 else c
            for c in table.cells))
    cut = (max(w.bbox[3] for w in head) + min(w.bbox[1] for w in rest)) / 2
    cells = []
    for c in table.cells:
        if c.row == 0 and c.row_span == 1:
            cells.append(replace(c, bbox=(c.bbox[0], c.bbox[1], c.bbox[2], cut),
                                 words=tuple(w for w in c.words if w.cy < cut)))
            cells.append(replace(c, row=1, bbox=(c.bbox[0], cut, c.bbox[2], c.bbox[3]),
                                 words=tuple(w for w in c.words if w.cy >= cut)))
        elif c.row == 0:
            cells.append(replace(c, row_span=c.row_span + 1))
        else:
            cells.append(replace(c, row=c.row + 1))
    return replace(table, n_rows=table.n_rows + 1, cells=tuple(cells),
                   row_edges=(table.row_edges[0], cut) + tuple(table.row_edges[1:]))


def _with_header_above(table: Table, lines: Sequence[Line], dpi: int) -> Table | None:
    """The table grown upwards over the lines between its header and its first rule found.

    On a faded or stamped page the top rules of a table may not be found: the grid
    then starts below its header (and below the column numbers and the first section
    row). A line less than an inch and a half above the grid that names two columns
    ('No', 'Sasaran Strategis', 'Indikator Kinerja', 'Target') is taken as the header,
    and it and every line under it become rows of the table, their words put in
    columns by position, so the columns get their roles.
    """
    x0, top, x1, _ = table.bbox
    near = [ln for ln in lines if top - 1.5 * dpi <= ln.top and ln.cy < top
            and ln.right > x0 and ln.left < x1]
    edges = table.col_edges
    for i, ln in enumerate(near):
        parts = [[w for w in ln.words if edges[c] <= w.cx < edges[c + 1]] for c in range(table.n_cols)]
        if sum(role_of(" ".join(w.text for w in p)) is not None for p in parts if p) < 2:
            continue
        new = near[i:]
        cells = []
        for r, row in enumerate(new):
            for c in range(table.n_cols):
                ws = tuple(w for w in row.words if edges[c] <= w.cx < edges[c + 1])
                bottom = new[r + 1].top - 1 if r + 1 < len(new) else top
                cells.append(Cell(r, c, (edges[c], row.top - 1, edges[c + 1], bottom), ws))
        k = len(new)
        cells += [replace(c, row=c.row + k) for c in table.cells]
        rows = tuple(ln.top - 1 for ln in new) + table.row_edges
        return replace(table, bbox=(x0, new[0].top - 1, x1, table.bbox[3]), n_rows=table.n_rows + k,
                       cells=tuple(cells), row_edges=rows)
    return None


# --------------------------------------------------------------------------- letters


def _fuzzy_in(line: str, phrase: str, cutoff: float = 85) -> bool:
    return fuzz.partial_ratio(phrase.lower(), line.lower()) >= cutoff if len(line) >= len(phrase) - 2 else False


_LABEL = {
    "nama": re.compile(r"^\s*(nama|narna|nam a|nama\.)\b\s*[:;.,*'\"-]*\s*(?P<v>.*)$", re.I),
    "jabatan": re.compile(r"^\s*(jabatan|jabafan|jahatan|jabatah)\b\s*[:;.,*'\"-]*\s*(?P<v>.*)$", re.I),
}
_STOP = re.compile(r"^\s*(selanjutnya|selaku|nama|jabatan|pihak|dalam|yang|nip)\b", re.I)
_PLACE_DATE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Za-z'.-]+(?:\s+[A-Z][A-Za-z'.-]+){0,2})\s*[,.]\s*(?P<date>.*(?:19|20)\d{2})\s*$"
)


def is_letter(view: PageView) -> bool:
    lines = view.text_lines()
    head = any(_fuzzy_in(ln, "perjanjian kinerja") for ln in lines)
    names = sum(1 for ln in lines if _LABEL["nama"].match(ln))
    jab = sum(1 for ln in lines if _LABEL["jabatan"].match(ln))
    pihak = any(_fuzzy_in(ln, "pihak pertama") or _fuzzy_in(ln, "pihak kesatu") for ln in lines)
    return head and names >= 1 and jab >= 1 and pihak


def _box(lines: Sequence[Line], page: int, text: str) -> TextBox:
    return _words_box([w for ln in lines for w in ln.words], page, text)


def _words_box(words: Sequence, page: int, text: str) -> TextBox:
    return TextBox(text, page, union_bbox(w.bbox for w in words) if words else None,
                   min((w.conf for w in words), default=0.0), tuple(words))


# the label's colon read as '1' or '>' ('1 Agus'), or a speck before it ('J : Oktaviani')
_READ_COLON = re.compile(r"^(?:[:;>|1l!]{1,2}|[^\W\d]{1,2}\s*[:;])\s+(?=\S)")


def _value_words(line: Line, rx: re.Pattern[str], text: str | None = None) -> tuple[str, list]:
    """The value of 'Label : value' (the line's text, or `text`: the line with its label
    mended) and its words (without the label and separators)."""
    m = rx.match(text if text is not None else mend_label(line.text))
    value = (m.group("v").strip() if m else "").lstrip(":;.,*'\" ")
    value = _READ_COLON.sub("", value)
    if not value:
        return "", []
    n = len(value.split(" "))
    words = [w for w in line.words if w.text.strip(":;.,*'\"")][-n:]
    return value, words


def _colon_read_into(value: str, words: list, line: Line, colons: list[float], dpi: int) -> tuple[str, list]:
    """A value whose first word starts where the colons of the other labelled lines are,
    on a line with no colon of its own: the colon read into the word ('LIR.' for ': IR.'),
    its first letter dropped."""
    if (not colons or not words or len(words[0].text) < 2 or any(w.text in (":", ";") for w in line.words)
            or abs(words[0].bbox[0] - sorted(colons)[len(colons) // 2]) > 0.02 * dpi
            or not value.startswith(words[0].text)):
        return value, words
    return value[1:], [replace(words[0], text=words[0].text[1:]), *words[1:]]


def _party_label(line: Line) -> str:
    """A line of the parties' labels with its first word mended when a colon follows it
    ('Nania : Petrus', 'Janaian : Kepala'), or its first two when they mend to one label
    ('Jabs an : Kasubbag': a label read in two pieces), and a lone mark before that word
    dropped (a page border's speck read as 'E'); as it is else."""
    text = re.sub(r"^\s*\S\s+(?=\S+\s*[:;])", "", line.text)
    joined = re.sub(r"^(\S{2,})\s+([a-z]{1,4})(?=\s*[:;])", r"\1\2", text)
    if joined != text and (mended := mend_label(joined, ("nama", "jabatan"), 70)) != clean_text(joined):
        return mended
    return (mend_label(text, ("nama", "jabatan"), 70) if re.match(r"^\S+\s*[:;]", text)
            else clean_text(line.text))


def parse_parties(view: PageView) -> list[tuple[TextBox, TextBox]]:
    """(name, position) of each party named on a letter page, in order."""
    lines = list(view.lines)
    labels = [_party_label(ln) for ln in lines]
    colons = [w.bbox[0] for ln, t in zip(lines, labels, strict=True)
              if _LABEL["nama"].match(t) or _LABEL["jabatan"].match(t)
              for w in ln.words if w.text in (":", ";")]
    out: list[tuple[TextBox, TextBox]] = []
    i = 0
    while i < len(lines):
        m = _LABEL["nama"].match(labels[i])
        if not m:
            i += 1
            continue
        name, name_words = _value_words(lines[i], _LABEL["nama"], labels[i])
        name, name_words = _colon_read_into(name, name_words, lines[i], colons, view.page.dpi)
        name_box = _words_box(name_words, view.number, clean_name(name))
        pos_box = TextBox("", view.number)
        start = None  # (its line's index, its value, the value's words, where its lines start)
        for j in range(i + 1, min(len(lines), i + 4)):
            # under a name, a first word like 'Jabatan' before a colon is that label ('Janaian :')
            text = labels[j]
            if _LABEL["jabatan"].match(text):
                start = (j, *_value_words(lines[j], _LABEL["jabatan"], text), lines[j].left)
                break
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if (start is None and nxt is not None and name_words and not _stops(nxt.text)
                and nxt.left >= name_words[0].bbox[0] - 0.1 * view.page.dpi
                and nxt.top - lines[i].bottom <= 1.5 * nxt.height):
            start = (i + 1, clean_text(nxt.text), list(nxt.words), nxt.left)  # the label lost, not its value
        j = i + 1
        if start is not None:
            j, value, vwords, left = start
            parts, used, words = [value], [lines[j]], list(vwords)
            k = j + 1
            while k < len(lines) and not _stops(lines[k].text):
                if (lines[k].left < left - 0.05 * view.page.dpi
                        or lines[k].top - used[-1].bottom > 1.5 * lines[k].height):  # double spacing
                    break
                parts.append(lines[k].text)
                used.append(lines[k])
                words.extend(lines[k].words)
                k += 1
            pos_box = _words_box(words, view.number, clean_name(join_lines(parts)).rstrip(" ."))
            j = k
        out.append((name_box, pos_box))
        i = max(j, i + 1)
    return out


_STOP_PHRASES = ("selanjutnya disebut", "selaku atasan", "pihak pertama", "pihak kedua", "pihak kesatu")


def _stops(text: str) -> bool:
    """A line that ends a 'Jabatan :' value: the next label or 'selanjutnya disebut ...' (fuzzily)."""
    t = clean_text(text)
    if _STOP.match(t):
        return True
    low = t.lower()
    return any(fuzz.partial_ratio(p, low) >= 80 for p in _STOP_PHRASES if len(low) >= 8)


def clean_name(s: str) -> str:
    """A name or position without the marks OCR reads around it: the label's colon, a
    stamp's or signature's specks before it ('© Yusuf', '2 IR. PUJI'; a name or a
    position starts with a letter), a bracket it does not open after it, a period after
    a last word of five letters or more ('Benny Tambunan.'; a degree's is shorter: 'MM.')."""
    prev = None
    while s != prev:  # stripping quotes can bare a table rule, and stripping the rule a quote
        prev, s = s, re.sub(r"\s+[.,;:]+$", "", clean_text(s)).strip(" ,;:*'\"-–—|_")  # 'Puji Astuti .'
        s = re.sub(r"^[^\w(]+|^\d+\s+(?=[^\W\d])", "", s)
        if s.endswith(")") and s.count(")") > s.count("("):
            s = s[:-1]
        if (s.count(".") == 1 and s.endswith(".") and len(s.split()) == 1
                or re.search(r"(?:^|\s)[^\W\d_]{5,}\.$", s)):  # 'Benny Tambunan.': no degree is so long
            s = s[:-1]
    return s


def core_name(name: str) -> str:
    """A person's name without the degrees after it nor the titles before it, letters only
    ('IR. H. Oktaviani Rumbiak, S.E.' -> 'oktavianirumbiak'): one printing of a name
    may carry them and another not."""
    words = name.split(",")[0].split()
    while len(words) > 1 and words[0].endswith("."):
        words.pop(0)
    return "".join(ch for ch in " ".join(words).lower() if ch.isalnum())


_DATE_ONLY = re.compile(r"^(\d{1,2}\s*)?([A-Za-z]{3,12}\s*)?(19|20)\d{2}$")


_NOT_PLACES = frozenset("mengetahui menyetujui disetujui ditetapkan dibuat disahkan tertanda an".split())
# a place over the signatures whose date is lost or read in part ('Bandung,', 'Bandung Januari 201')
_PLACE_ALONE = re.compile(r"^(?P<place>[A-Z][A-Za-z'.-]+(?:\s+[A-Z][A-Za-z'.-]+){0,2}?)\s*"
                          r"(?:,\s*(?P<date>.*)|\s+(?P<month>(?:\d{1,2}\s*)?"
                          rf"(?i:{'|'.join(MONTHS)})\b.*|(?:19|20)\d{{2}}))?$")


def parse_place_date(view: PageView) -> tuple[TextBox, ParsedDate | None] | None:
    """The place and date of signing ('Bandung, 3 Februari 2016'); else, on the line
    right above the parties' labels of the signatures, a place whose date is lost or
    read in part (the date then None, or kept raw)."""
    for ln in reversed(view.lines):
        t = clean_text(ln.text)
        m = _PLACE_DATE.match(t)
        if not m:
            continue
        d = parse_date(m.group("date"))
        if d.year is None or not _DATE_ONLY.match(d.raw):
            continue
        place = m.group("place").strip(" .,")
        if place.split()[0].lower() in {"nip", "tahun", "nomor", "telp", "kode", "penata", "pembina", "pengatur",
                                        "juru", "golongan", "pangkat"}:
            continue
        return _box([ln], view.number, place), d
    lines = list(view.lines)
    for above, ln in zip(lines, lines[1:]):
        if not re.fullmatch(r"\W*(?:pihak\W+\w+\W*){2}", ln.text, re.I):  # 'PIHAK KEDUA, PIHAK KESATL'
            continue
        m = _PLACE_ALONE.match(clean_text(above.text))
        if m and m.group("place").split()[0].lower() not in _NOT_PLACES:
            rest = m.group("date") or m.group("month")
            place = _box([above], view.number, m.group("place").strip(" .,"))
            return place, parse_date(rest) if rest else None
    return None


def parse_title(view: PageView) -> TextBox | None:
    for ln in view.lines:
        t = clean_text(ln.text)
        if _fuzzy_in(t, "perjanjian kinerja", 88) and len(t) <= 60:
            return _box([ln], view.number, t)
    return None


_PARTY_LABEL = re.compile(r"pihak\s*(kedua|pertama|kesatu|ke-?1|ke-?2)", re.I)
_RANK = re.compile(r"^\s*(nip\b|nip\.|n\.?i\.?p|pembina|penata|pengatur|juru|pangkat|gol\.?\b|golongan)", re.I)


Signed = tuple[tuple[TextBox, TextBox] | None, tuple[TextBox, TextBox] | None]


def signature_blocks(views: Sequence[PageView]) -> list[Signed]:
    """(first party, second party) of each page's signature block, in page order.

    The block is read in two columns: the one labelled PIHAK PERTAMA / KESATU (or, with
    no labels, the right one) is the first party. In each column the name is the line
    above the rank and NIP lines (and above marks of under three letters: 'Ed.'); the
    position is the lines between label and name.
    """
    blocks: list[Signed] = []
    for v in views:
        lines = list(v.lines)
        start = None
        for i, ln in enumerate(lines):
            t = clean_text(ln.text)
            if _PLACE_DATE.match(t) or len(_PARTY_LABEL.findall(t)) >= 2:
                start = i
        if start is None:
            continue
        block = lines[start:]
        mid = (min(ln.left for ln in block) + max(ln.right for ln in block)) / 2
        cols: list[list[tuple[Line, list]]] = [[], []]
        label_side: int | None = None
        for ln in block[1:] if _PLACE_DATE.match(clean_text(block[0].text)) else block:
            left, right = _two_columns(ln, mid, v.page.dpi)
            for side, ws in ((0, left), (1, right)):
                if not ws:
                    continue
                text = clean_text(" ".join(w.text for w in ws))
                m = _PARTY_LABEL.search(text)
                if m:
                    if m.group(1).lower() in ("pertama", "kesatu", "ke1", "ke-1"):
                        label_side = side
                    continue
                cols[side].append((ln, ws))
        first_side = 1 if label_side is None else label_side
        out = []
        for side in (first_side, 1 - first_side):
            col = [(ln, ws) for ln, ws in cols[side] if clean_text(" ".join(w.text for w in ws))]
            if not col:
                out.append(None)
                continue
            texts = [clean_text(" ".join(w.text for w in ws)) for _, ws in col]
            rank_at = next((i for i, t in enumerate(texts) if _RANK.match(t)), len(texts))
            if rank_at == 0:
                out.append(None)
                continue
            name_i = rank_at - 1
            while name_i > 0 and sum(ch.isalpha() for ch in texts[name_i]) < 3:
                name_i -= 1  # a mark under the name ('Ed.'), not a name
            name = clean_name(texts[name_i].strip("() "))
            pos_texts = [t.rstrip(",") for t in texts[:name_i]]
            name_box = _words_box(col[name_i][1], v.number, name)
            pos_words = [w for _, ws in col[:name_i] for w in ws]
            pos_box = (_words_box(pos_words, v.number, clean_name(join_lines(pos_texts)).rstrip(" ."))
                       if pos_texts else None)
            out.append((name_box, pos_box or TextBox("", v.number)))
        blocks.append((out[0], out[1]))
    return blocks


def _two_columns(ln: Line, mid: float, dpi: int) -> tuple[list, list]:
    """Split a line of a two-column block at its widest gap (or by its centre)."""
    ws = list(ln.words)
    gaps = [(ws[i + 1].bbox[0] - ws[i].bbox[2], i) for i in range(len(ws) - 1)]
    if gaps:
        g, i = max(gaps)
        if g > 0.4 * dpi:
            return ws[: i + 1], ws[i + 1:]
    return (ws, []) if (ln.left + ln.right) / 2 < mid else ([], ws)


# --------------------------------------------------------------------------- table headers


# 'Nama/Unit Organisasi : X', its first word misread or not ('Naina/Unit')
_ORG = re.compile(r"^\s*(\w{2,6}\s*\W?\s*)?unit\s+organi\w*\s*[:;.,—–-]*\s*(?P<v>.*)$", re.I)
# 'Subbagian : X' (the colon may be lost), 'Bidang : X'; a 'Bidang X' line without a colon
# is a unit heading, taken whole (see _UNIT_HEADING)
_SUB = re.compile(r"^\s*(?:(?:sub\s*bagian|subbagian|sub\s*bag)\b\s*[:;.,—–-]*|(?:bidang|seksi)\s*[:;]+)"
                  r"\s*(?P<v>.*)$", re.I)
_TA = re.compile(r"^\s*tahun\s+anggaran\s*[:;.,1l]*\s*(?P<v>(19|20)\d{2})", re.I)


_MENDED_LABELS = ("subbagian", "tahun")


def mend_label(text: str, labels: Sequence[str] = _MENDED_LABELS, cutoff: float = 80) -> str:
    """A line with its first word, when that is one of `labels` OCR misread ('bbagian',
    'ahun'), as the label (fuzzily, rapidfuzz ratio >= `cutoff` on its letters)."""
    text = clean_text(text)
    first, _, rest = text.partition(" ")
    core = "".join(ch for ch in first.lower() if ch.isalpha())
    if len(core) < 4 or core in labels:
        return text
    m_read = re.sub(r"rn|ni|in|nn", "m", core)  # an 'm' read as two letters ('Nania' for 'Nama')
    for label in labels:
        if max(fuzz.ratio(core, label), fuzz.ratio(m_read, label)) >= cutoff:
            return f"{label.capitalize()}{first[len(first.rstrip(':;.,')):]} {rest}".rstrip()
    return text


def _labelled(view: PageView, rx: re.Pattern[str], above: float) -> TextBox | None:
    lines = [ln for ln in view.lines if ln.bottom <= above]
    for i, ln in enumerate(lines):
        m = rx.match(mend_label(ln.text))
        if not m:
            continue
        value, vwords = _value_words(ln, rx)
        x = vwords[0].bbox[0] if vwords else ln.left
        used, parts, words = [ln], [value], list(vwords)
        k = i + 1
        while k < len(lines):
            nxt = lines[k]
            t = clean_text(nxt.text)
            if (re.match(r"^\s*(tahun|sub|nama|no\b|bidang)", t, re.I) or nxt.left < x - 0.05 * view.page.dpi
                    or nxt.top - used[-1].bottom > 1.2 * nxt.height):
                break
            parts.append(t)
            used.append(nxt)
            words.extend(nxt.words)
            k += 1
        text = _strip_junk(join_lines(parts))
        if text:
            return _words_box(words, view.number, text)
    return None


def letterhead(view: PageView) -> TextBox | None:
    """The office heading printed right above the title: consecutive upper-case lines."""
    title = parse_title(view)
    if title is None or title.bbox is None:
        return None
    above = [ln for ln in view.lines if ln.bottom <= title.bbox[1] + 1]
    picked: list[Line] = []
    ref_top = title.bbox[1]
    for ln in reversed(above):
        t = clean_text(ln.text)
        letters = [c for c in t if c.isalpha()]
        if len(letters) < 4:
            continue  # a logo read as a few stray marks
        if sum(c.isupper() for c in letters) < 0.8 * len(letters) or (
                picked and ref_top - ln.bottom > 1.5 * ln.height):
            break
        picked.insert(0, ln)
        ref_top = ln.top
    texts: list[str] = []
    for ln in picked:
        t = _strip_junk(ln.text)
        if texts and t in texts[-1]:
            continue  # 'DINAS X PROVINSI JAWA BARAT' then 'PROVINSI JAWA BARAT' again
        texts.append(t)
    if not texts:
        return None
    return _box(picked, view.number, " ".join(texts))


@dataclass(frozen=True, slots=True)
class TableHeader:
    """What is printed above the first target table."""

    organization: TextBox | None = None  # 'Nama/Unit Organisasi : ...'
    heading: TextBox | None = None  # the office line under 'PERJANJIAN KINERJA TAHUN ...'
    subunit: TextBox | None = None
    year: int | None = None
    position: TextBox | None = None  # 'KEPALA BALAI ...' printed above the table


def parse_table_header(view: PageView) -> TableHeader:
    """Organisation, subunit and budget year printed above the first table."""
    top = view.tables[0][0].bbox[1] if view.tables else float("inf")
    year = None
    for ln in view.lines:
        if ln.bottom > top:
            break
        m = _TA.match(mend_label(ln.text))
        if m:
            year = int(m.group("v"))
    heading = unit = None
    above = [ln for ln in view.lines if ln.bottom <= top]
    for i, ln in enumerate(above):
        if not _fuzzy_in(clean_text(ln.text), "perjanjian kinerja", 88):
            continue
        # the heading block under the title: the office, then maybe its unit
        block, prev = [], ln
        for nxt in above[i + 1:i + 4]:
            t = _strip_junk(nxt.text)
            # (a blank line between: up to 2.5 lines, as a line without descenders is short)
            if not t or re.match(r"^(nama|tahun|no\b)", t, re.I) or nxt.top - prev.bottom > 2.5 * nxt.height:
                break
            block.append((nxt, t))
            prev = nxt
        # a position ('KEPALA BAPPEDA', maybe its region below) names the first party, not
        # the office; an office line goes on in a line that is its region alone ('BADAN ...
        # DAERAH' then 'PROVINSI JAWA BARAT')
        k = 0
        while k < len(block) and (_POSITION_HEADING.match(block[k][1]) or (k and _region_alone(block[k][1]))):
            k += 1
        block = block[k:]
        block = block[:next((j for j, b in enumerate(block) if _POSITION_HEADING.match(b[1])), len(block))]
        goes_on = len(block) > 1 and not _ends_in_region(block[0][1]) and _region_alone(block[1][1])
        n = 2 if goes_on else 1
        if block:
            heading = _box([b[0] for b in block[:n]], view.number, " ".join(b[1] for b in block[:n]))
        # the line under the office is its unit when it says so ('Bidang ...') or when the
        # office is a whole office name, ending in its region ('... KPU Kabupaten Berau'),
        # and the line is not the rest of the title
        rest = block[n:]
        if rest and heading and (_UNIT_HEADING.match(rest[0][1]) or (
                _ends_in_region(heading.text)
                and not re.search(r"\b(kinerja|tahun\w*|perjanjian)\b", rest[0][1], re.I))):
            unit = _box([rest[0][0]], view.number, rest[0][1])
        break
    # a one-page agreement (a Lampiran) may name its first party's office above the table
    position = next((_box([ln], view.number, _strip_junk(ln.text)) for ln in above
                     if _POSITION_HEADING.match(_strip_junk(ln.text))), None)
    return TableHeader(_labelled(view, _ORG, top), heading, _labelled(view, _SUB, top) or unit, year, position)


_POSITION_HEADING = re.compile(r"^(kepala|sekretaris|kasubbag|kabid|kasi|direktur|inspektur)\b", re.I)


_UNIT_HEADING = re.compile(r"^(bidang|seksi|sub\s*bag(ian)?|bagian|sekretariat|balai|uptd?|upt)\b", re.I)


def _ends_in_region(text: str) -> bool:
    return any(text.lower().endswith(r.lower()) for r in regions_in(text))


def _region_alone(text: str) -> bool:
    """A line that is a region and nothing else ('PROVINSI JAWA BARAT')."""
    return any(r.lower() == text.strip(" ,.").lower() for r in regions_in(text))


# a symbol before a heading that its font could not print, read as strokes ('II RUMAH SAKIT'),
# or a label's colon read with a stroke ('1 : Perencanaan')
_GLYPH_BEFORE = re.compile(r"^[Il|1\[\]]{1,3}(?:\s+(?=[A-Z]{2})|\s*[:;]\s*(?=[A-Z]))")


def _strip_junk(text: str) -> str:
    """A heading line without the rules, colons, dashes and specks ('©') OCR leaves at its ends, a
    symbol read as strokes before it, or a speck read as a lone quote or stroke between
    its words ('Penajam Paser " Utara')."""
    text = _LONE_SPECK.sub("", clean_text(text))
    return _GLYPH_BEFORE.sub("", text.strip("[]|()—–-:;.,'\"©®•* "))


_LONE_SPECK = re.compile(r"(?<=\w) [\"'`‘’“”|~=^_*]+(?= \w)")


# --------------------------------------------------------------------------- agreements


def _budget_region(views: Sequence[PageView]) -> tuple[list[Line], list[int]]:
    """Lines after the last target table of the agreement, up to the signature block."""
    last = -1
    for i, v in enumerate(views):
        if any(cols is not None and cols.kind == "targets" for _, cols, _ in v.tables):
            last = i
    if last < 0:
        return [], []
    lines: list[Line] = []
    pages: list[int] = []
    for i in range(last, len(views)):
        v = views[i]
        start = 0.0
        if i == last:
            start = max(t.bbox[3] for t, cols, _ in v.tables if cols is not None and cols.kind == "targets")
        for ln in v.lines:
            if ln.top < start - 2:
                continue
            t = clean_text(ln.text)
            if _PLACE_DATE.match(t) or re.match(r"^\s*pihak\s+(kedua|pertama|kesatu)", t, re.I):
                return lines, pages
            lines.append(ln)
            pages.append(v.number)
    return lines, pages


def inherit_columns(views: Sequence[PageView]) -> list[PageView]:
    """Give a table whose header row was not read the columns of the file's last table of
    the same shape (same number of columns, edges within a quarter inch)."""
    out: list[PageView] = []
    known: list[tuple[Table, Columns]] = []
    for v in views:
        tables = []
        for t, cols, skip in v.tables:
            if cols is None:
                tol = 0.25 * v.page.dpi
                for kt, kc in reversed(known):
                    if kt.n_cols == t.n_cols and all(abs(a - b) <= tol for a, b in zip(kt.col_edges, t.col_edges, strict=True)):
                        cols = kc
                        break
            elif cols.kind in ("targets", "budget"):
                known.append((t, cols))
            tables.append((t, cols, skip))
        out.append(PageView(v.page, v.lines, tuple(tables)))
    return out


def _continues(cols: Columns | None, prev: Columns | None, n_cols: int) -> bool:
    """Whether a table of `n_cols` columns whose header gives `cols` continues the table
    before, of columns `prev`: it has no header row, or, after a target table, a header
    read in part that names no goal nor indicator but nothing against the one before
    ('No | ? | ? | Target': the header of a faded page read 'ee Be or', 'si a A enda')."""
    if prev is None or len(prev.roles) != n_cols:
        return False
    return cols is None or (cols.kind == "other" and prev.kind == "targets"
                            and all(r in (None, p) for r, p in zip(cols.roles, prev.roles, strict=True)))


def resolved_tables(views: Sequence[PageView]) -> list[tuple[Table, Columns, int]]:
    """Every table with its column roles; a table that continues the one before
    (`_continues`) takes its columns."""
    out: list[tuple[Table, Columns, int]] = []
    prev: Columns | None = None
    for v in views:
        for t, cols, skip in v.tables:
            if _continues(cols, prev, t.n_cols):
                cols = prev
            if cols is None:
                continue
            prev = cols
            out.append((t, cols, skip))
    return out


def _budget(views: Sequence[PageView]) -> tuple[list[RawBudget], list[str]]:
    """The budget list: a ruled budget table read by cells, else the text after the
    targets; and a warning for a ruled table whose data cells span rows (rules between
    lines lost under a stamp: a line read into another may be missing)."""
    ruled: list[RawBudget] = []
    warnings: list[str] = []
    for t, cols, skip in resolved_tables(views):
        if cols.kind == "budget":
            lines = table_budget(t, cols, skip)
            if lines and not lines[0].amount_text.text:
                # a name and no amount atop the table: the rest of the name the page cut when
                # it goes on mid-phrase (joined), else a heading (dropped)
                rest = lines.pop(0)
                last = ruled[-1].name if ruled else None
                if last is not None and last.page == t.page - 1 and _goes_on(last.text, rest.name.text):
                    name = replace(last, text=join_lines([last.text, rest.name.text]),
                                   conf=min(last.conf, rest.name.conf))
                    ruled[-1] = replace(ruled[-1], name=name)
                elif last is not None and last.page == t.page - 1:  # a guess: the line before says so
                    ruled[-1] = replace(ruled[-1], heading_after=rest.name.text)
            ruled.extend(lines)
            if any(c.row >= skip and c.row_span > 1 and cols.roles[c.col] in ("name", "amount")
                   for c in t.cells):
                warnings.append(f"budget: cells of the budget table on page {t.page} span several lines "
                                "(rules lost): lines may be missing or merged")
    if ruled:
        return ruled, warnings
    lines, pages = _budget_region(views)
    return budget_lines(lines, pages), []


def _goes_on(text: str, rest: str) -> bool:
    """Whether `rest` continues `text` mid-phrase: it starts in small letters ('dan
    Pembinaan ...'), or `text` ends in a comma or a word that joins ('... Peningkatan dan')."""
    last = text.rstrip().split()[-1:] or [""]
    return rest[:1].islower() or last[0].endswith(",") or last[0].lower() in JOINING_WORDS


def _rows(views: Sequence[PageView]) -> tuple[list[RawRow], list[str]]:
    """The target rows of an agreement, and warnings for table text that made no row."""
    rows: list[RawRow] = []
    read = resolved_tables(views)
    for t, cols, skip in read:
        if cols.kind == "targets":
            rows.extend(table_rows(t, cols, skip))
    rows = stitch_rows(rows)  # the rest of a goal the page cut joins its row
    warnings = list(dict.fromkeys(  # a merged cell is met once per row it spans
        f"targets: a row on page {r.page} is neither a target nor a heading: {r.section[:60]!r}"
        for r in rows if r.kind == "unread"))
    warnings += [w for v in views if (w := _orphan_text(v, read))]
    warnings += _pages_without_table(views, read)
    if not any(r.kind == "data" for r in rows) and not any(w.startswith("targets:") for w in warnings):
        warnings.append("targets: no target row was read: the table was not found or not read")
    return [r for r in rows if r.kind != "unread"], warnings


def _pages_without_table(views: Sequence[PageView], read: Sequence[tuple[Table, Columns, int]]) -> list[str]:
    """Warnings for the pages whose target table was not read at all (its rules too faint
    or broken to be found): a page that prints a target table's header line, or a page of
    text between two pages whose target tables were read; and for a table found on a page
    of targets, or after them, that is read as neither (columns unknown). Their rows are
    missing."""
    tables = {t.page for t, cols, _ in read if cols.kind in ("targets", "budget")}
    targets = sorted(t.page for t, cols, _ in read if cols.kind == "targets")
    out = []
    for v in views:
        if v.number in tables or is_letter(v):
            continue
        header = any(len(t.split()) <= 10 and _fuzzy_in(t, "indikator") and (
            _fuzzy_in(t, "target") or _fuzzy_in(t, "sasaran")) for t in v.text_lines())
        between = bool(targets) and targets[0] < v.number < targets[-1] and len(v.page.words) >= 40
        if header or between:
            out.append(f"targets: no table was read on page {v.number}, which "
                       f"{'prints a target table' if header else 'lies between pages of targets'} "
                       "(its rules too faint or broken to be found): its rows are missing")
    # a table found whose columns were not known (its header row lost, and not as many
    # columns found as the table before it has: a faded page's rules in pieces)
    known = {id(t) for t, _, _ in read}
    for v in views:
        lost = [t for t, _, _ in v.tables if id(t) not in known
                and sum(len(c.words) for c in t.cells) >= UNKNOWN_TABLE_WORDS]
        if lost and targets and not is_letter(v) and v.number >= targets[0]:
            out.append(f"targets: a table on page {v.number} was read as neither targets nor a budget "
                       "(no header row, and columns unlike the table before it): its rows may be missing")
    return out


UNKNOWN_TABLE_WORDS = 20  # words in a table of unknown columns that make it a table of rows lost


ORPHAN_WORDS = 4  # words in a page's target-table area but in no table read that make a warning


def _orphan_text(view: PageView, read: Sequence[tuple[Table, Columns, int]]) -> str | None:
    """Text lying where the page's target tables are but in none of the tables read.

    A table whose rules were found only in pieces (faded toner, heavy skew) leaves the
    text between the pieces, or in pieces whose columns were not recognised, out of
    every table: those rows are missing, and said so.
    """
    mine = [(t.bbox, cols.kind) for t, cols, _ in read if t.page == view.number]
    area = [b for b, kind in mine if kind == "targets"]
    if not area:
        return None
    x0, y0 = min(b[0] for b in area), min(b[1] for b in area)
    x1, y1 = max(b[2] for b in area), max(b[3] for b in area)
    boxes = [b for b, kind in mine if kind in ("targets", "budget")]
    lost = [w for w in view.page.words
            if x0 <= w.cx <= x1 and y0 <= w.cy <= y1 and sum(ch.isalnum() for ch in w.text) >= 2
            and not any(b[0] <= w.cx <= b[2] and b[1] <= w.cy <= b[3] for b in boxes)]
    if len(lost) < ORPHAN_WORDS:
        return None
    sample = " ".join(w.text for w in lost[:8])
    return (f"targets: {len(lost)} words on page {view.number} lie in the table but in no cell read "
            f"(its rules were found in pieces): rows may be missing: {sample!r}")


SAME_SIGNED = 80  # fuzz.ratio of two printings of one name (letters only), OCR errors and all


def _alike(name: str, party: tuple[TextBox, TextBox] | None) -> float:
    return fuzz.ratio(core_name(name), core_name(party[0].text)) if party is not None and name else 0.0


def _signs_second(name: str, signed: Sequence[Signed]) -> bool:
    """True when a name is the second party's under the last signatures, not the first's."""
    return bool(signed) and _alike(name, signed[-1][1]) >= SAME_SIGNED > _alike(name, signed[-1][0])


def _signs_first(name: str, signed: Sequence[Signed]) -> bool:
    return bool(signed) and _alike(name, signed[-1][0]) >= SAME_SIGNED


def draft_agreement(views: Sequence[PageView]) -> Draft:
    """Read one agreement from its pages."""
    letter = next((v for v in views if is_letter(v)), None)
    table_views = [v for v in views if any(c is not None and c.kind == "targets" for _, c, _ in v.tables)]
    th = parse_table_header(table_views[0]) if table_views else TableHeader()
    warnings: list[str] = []
    d: dict[str, object] = {}
    signed = signature_blocks(views)
    if letter is not None:
        parties = parse_parties(letter)
        if len(parties) == 1 and _signs_second(parties[0][0].text, signed):
            parties.insert(0, None)  # the first party's lines lost: the one named is the second
        for key, party in zip(("first", "second"), parties):
            if party is not None:
                d[f"{key}_name"], d[f"{key}_position"] = party
        if len(parties) < 2:
            warnings.append("second_party: the letter names fewer than two parties")
            if len(parties) == 1 and not _signs_first(parties[0][0].text, signed):
                warnings.append("first_party: the letter names one party, and its name is under neither "
                                "signature: it may be the second party")
        pd = parse_place_date(letter)
        if pd:
            d["place"], d["date"] = pd
        title = parse_title(letter)
        if title:
            d["title"] = title
    else:
        warnings.append("letter: no letter page found for this agreement")
    if signed and ("first_name" not in d or "second_name" not in d):
        for key, party in zip(("first", "second"), signed[-1], strict=True):
            if party is not None and f"{key}_name" not in d:
                d[f"{key}_name"] = party[0]
                if party[1].text:
                    d[f"{key}_position"] = party[1]
    for key, side in (("first", 0), ("second", 1)):  # every printing of the name but the one taken
        d[f"{key}_signed"] = tuple(b[side][0] for b in signed if b[side] is not None
                                   and b[side][0].text and b[side][0] is not d.get(f"{key}_name"))
    if "first_position" not in d and th.position is not None:
        d["first_position"] = th.position
    date = d.get("date")
    if not isinstance(date, ParsedDate) or date.iso is None:  # a page that gives a whole date wins
        for v in reversed(views):
            pd = parse_place_date(v)
            if pd is not None and pd[1] is not None and pd[1].iso is not None:
                d["place"], d["date"] = pd
                break
            if pd is not None and "place" not in d:
                d["place"], d["date"] = pd
    # the organisation: as labelled, else the letterhead, else the heading over the table
    org = th.organization or (letterhead(letter) if letter is not None else None) or th.heading
    if org is not None:
        d["organization"] = org
    if th.subunit is not None:
        d["subunit"] = th.subunit
    if th.year is not None:
        d["year"] = th.year
    if "title" not in d:
        for v in views:
            title = parse_title(v)
            if title:
                d["title"] = title
                break
    # the year: the table's 'Tahun Anggaran', else the title's, else the date's; where the
    # table and the title differ (one misread), the one the date of signing gives
    year = d.get("year")
    m = re.search(r"(19|20)\d{2}", d["title"].text) if isinstance(d.get("title"), TextBox) else None
    titled = int(m.group(0)) if m else None
    signed = d["date"].year if isinstance(d.get("date"), ParsedDate) else None  # type: ignore[union-attr]
    if year is None or (titled is not None and titled != year and signed == titled):
        year = titled
    if year is None:
        year = signed
    d["year"] = year
    rows, lost = _rows(views)
    warnings += lost
    if not table_views:
        warnings.append("targets: no target table found for this agreement")
    budget, lost = _budget(views)
    warnings += lost
    return Draft(pages=tuple(v.number for v in views), rows=tuple(rows), budget=tuple(budget),
                 warnings=tuple(warnings), has_letter=letter is not None,
                 has_table=bool(table_views), **d)  # type: ignore[arg-type]


def split_agreements(views: Sequence[PageView]) -> list[list[PageView]]:
    """Group a file's pages into agreements (see the module docstring)."""
    groups: list[list[PageView]] = []
    cur: list[PageView] = []
    for v in views:
        if is_letter(v):
            if cur and not _has_targets(cur) and _same_letter(cur, v):
                cur.append(v)  # a duplicate signed copy of the same letter
                continue
            if cur and (_has_targets(cur) or any(is_letter(c) for c in cur)):
                groups.append(cur)
                cur = []
            cur.append(v)  # pages before it without letter or table (a cover) stay with it
        elif cur and _has_targets(cur) and _opens_table(v):
            groups.append(cur)  # a one-page agreement (a Lampiran) after a complete one
            cur = [v]
        else:
            cur.append(v)
    if cur:
        groups.append(cur)
    return groups


def _opens_table(v: PageView) -> bool:
    """A page titled PERJANJIAN KINERJA above a target table with its own header row."""
    tables = [(t, c, skip) for t, c, skip in v.tables if c is not None and c.kind == "targets" and skip > 0]
    if not tables:
        return False
    top = tables[0][0].bbox[1]
    return any(_fuzzy_in(clean_text(ln.text), "perjanjian kinerja", 88) for ln in v.lines if ln.bottom <= top)


def _has_targets(group: Sequence[PageView]) -> bool:
    return any(c is not None and c.kind == "targets" for v in group for _, c, _ in v.tables)


def _same_letter(group: Sequence[PageView], v: PageView) -> bool:
    first = next((g for g in group if is_letter(g)), None)
    if first is None:
        return False
    a = [p[0].text for p in parse_parties(first)]
    b = [p[0].text for p in parse_parties(v)]
    return bool(a) and a == b
