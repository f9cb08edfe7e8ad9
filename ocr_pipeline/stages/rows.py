"""Table semantics: the cells of target tables become rows of the agreement.

* Column roles come from the header row (No, Sasaran, Indikator, Satuan, Target),
  read fuzzily so OCR errors in the header do not matter; a continuation table
  without a header takes the roles of the table before it.
* The header row and the column-number row ("(1) (2) (3) (4)", garbled by OCR too:
  "ay Q 3) (4)") are not data.
* Section rows ("A. Program ...", "- Program ...", "1. Pengelolaan Keuangan") set the
  program and activity of the rows under them.
* A Sasaran cell merged over several rows is repeated on each; an empty Sasaran at
  the top of a continuation page repeats the last one.
* A cell whose Target column holds several values (a bulleted or lettered list of
  indicators) yields one row per value; a heading line without a value of its own
  becomes the `indicator_parent` of the items under it (and of the rows after it that
  start indented like its items, their bullets lost).
* A row cut by a page break is joined with its rest at the top of the next page: the
  rest holds the target (none at the bottom of the first page), or, under a target
  already read, the rest of its texts (no number, no target, no list it heads, not
  opening as indicators do: 'Indeks ...' with its target lost is a row). The row is
  flagged for a person to check it is one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from ..records import BBox, Cell, Table, Word
from .layout import JOINING_WORDS, Line, clean_text, join_lines, union_bbox, word_height, words_to_lines
from .values import (
    enumerator_kind,
    find_amount,
    mark_of,
    parse_number,
    split_enumerator,
    split_heading,
    starts_value,
)

ROLES = ("no", "goal", "indicator", "unit", "target", "name", "amount", "note")
_HEADER_WORDS = {
    "no": ("no", "no.", "nomor"),
    "goal": ("sasaran strategis", "sasaran", "tujuan"),
    "indicator": ("indikator kinerja", "indikator", "indikator kinerja utama"),
    "unit": ("satuan",),
    "target": ("target", "target kinerja"),
    "name": ("program", "kegiatan", "program/kegiatan", "sub kegiatan"),
    "amount": ("anggaran", "pagu", "jumlah anggaran"),
    "note": ("keterangan", "ket.", "ket"),
}


@dataclass(frozen=True, slots=True)
class TextBox:
    """Text read from one place of a page, with what an auditor needs to find it."""

    text: str
    page: int
    bbox: BBox | None = None
    conf: float = 1.0
    words: tuple[Word, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.text


EMPTY = TextBox("", 0)


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row of a target table as read, before values are parsed and corrected."""

    kind: str  # "data", "program", "activity"; "unread": text in a row that is neither
    page: int
    goal: TextBox = EMPTY
    indicator: TextBox = EMPTY
    target: TextBox = EMPTY
    unit: TextBox = EMPTY
    parent: TextBox | None = None  # the heading of a list the indicator is an item of
    no: str = ""
    section: str = ""  # the heading text of a section row
    continued: bool = False  # the row was cut at a page break
    target_cell: BBox | None = None  # where the target is (or should be), for re-reading
    split_by_position: bool = False  # one of several rows cut from one cell by position only
    cells_cut: bool = False  # its cells cut by the grid's edges, the rules between them lost
    parent_guessed: bool = False  # its list's heading is the row above it by what the texts open with only


def role_of(text: str) -> str | None:
    """The column role a header cell names, or None.

    The cell's text is like a header name, or starts like one. Failing that, the
    marks and stray letters or digits OCR reads from a faded or shaded header ('No”',
    '“Indikutor-Kinerja . 0d Dg') are left out (only words of three characters or
    more with a letter count, and 'no') and what is left must be like a name, not only
    start like one (a section row '- Program Dukungan Manajemen' is no header).
    """
    t = clean_text(text).lower()
    role = _role(t, loose=True)
    if role is None:
        words = (w.strip(".,;:'\"“”‘’«»()[]|!*-–—") for w in t.split())
        core = " ".join(w for w in words
                        if w in ("no", "no.") or (len(w) > 2 and any(ch.isalpha() for ch in w)))
        role = _role(core, loose=False) if core != t else None
    return role


def _role(t: str, loose: bool) -> str | None:
    if not t or len(t) > 40:
        return None
    best, score = None, 0.0
    for role, names in _HEADER_WORDS.items():
        for n in names:
            sc = 100.0 if t == n else fuzz.ratio(t, n)
            if role == "no":
                sc = 100.0 if re.fullmatch(r"n[o0]\.?", t) else 0.0
            elif loose and len(t) >= 5 and t.startswith(n[:5]):
                sc = max(sc, 88.0)
            if sc > score:
                best, score = role, sc
    return best if score >= 75 else None


def is_column_numbers(texts: Sequence[str]) -> bool:
    """A row like '(1) (2) (3) (4)' or '1 2 3 4' that only numbers the columns."""
    vals = [v for t in texts for v in re.split(r"[\s|]+", clean_text(t)) if v]
    if len(vals) < 2 or any(len(v) > 5 for v in vals):
        return False
    like = [bool(re.fullmatch(r"[\s(\[{]*[\dIl|!oO@®&]{0,2}[)\]}\s]*\.?", v)) for v in vals]
    if sum(like) >= max(2, 0.6 * len(vals)):  # OCR may garble one: '(1)' read 'qd)'
        return True
    # or half of them, when the others still have the shape of a number in brackets
    # ('(1) (2) (3) (4)' read 'a) Q) (3) (4)')
    return sum(like) >= 2 and all(ok or re.fullmatch(r"[(\[{]?\S{1,2}[)\]}]\.?", v) for ok, v in zip(like, vals))


def numbers_its_columns(cells: Sequence[Cell], n_cols: int) -> bool:
    """A row of a few marks in half its columns or more, whose only digits are their
    columns' numbers, one at least: the column-number row under a header, garbled by
    OCR ('ay Q 3) (4)')."""
    texts = [(c.col + 1, "".join(w.text for w in c.words)) for c in cells]
    texts = [(n, t) for n, t in texts if t]
    return (len(texts) >= max(2, n_cols / 2) and any(str(n) in t for n, t in texts)
            and all(len(t) <= 4 and re.sub(r"\D", "", t) in ("", str(n)) for n, t in texts))


def cell_lines(cell: Cell) -> tuple[Line, ...]:
    return words_to_lines(cell.words)


def box_of(words: Sequence[Word], page: int, lines: Sequence[str] | None = None) -> TextBox:
    if not words:
        return TextBox("", page)
    if lines is None:
        lines = [ln.text for ln in words_to_lines(words)]
    return TextBox(join_lines(lines), page, union_bbox(w.bbox for w in words),
                   min(w.conf for w in words), tuple(words))


@dataclass(frozen=True, slots=True)
class Columns:
    """Which elementary columns of a table hold which role."""

    roles: tuple[str | None, ...]

    def of(self, role: str) -> tuple[int, ...]:
        return tuple(i for i, r in enumerate(self.roles) if r == role)

    @property
    def kind(self) -> str:
        rs = set(self.roles)
        if "target" in rs and ("indicator" in rs or "goal" in rs):
            return "targets"
        if "amount" in rs:
            return "budget"
        return "other"


def _header_cell(cell: Cell, table: Table, words: Sequence[Word]) -> tuple[str | None, dict[int, str]]:
    """The role `words` of a header cell name, and the roles their parts in each of the
    cell's columns name (for a cell over several columns)."""
    parts: dict[int, str] = {}
    for k in range(cell.col, cell.col + cell.col_span) if cell.col_span > 1 else ():
        x0, x1 = table.col_edges[k], table.col_edges[k + 1]
        sub = role_of(" ".join(ln.text for ln in words_to_lines([w for w in words if x0 <= w.cx < x1])))
        if sub:
            parts[k] = sub
    return role_of(" ".join(ln.text for ln in words_to_lines(words))), parts


def _named(role: str | None, parts: dict[int, str]) -> int:
    """How many columns a header cell's reading (`_header_cell`) names."""
    return len(set(parts.values())) if parts else int(role is not None)


def header_columns(table: Table) -> tuple[Columns | None, int]:
    """Column roles from the header, and how many rows at the top are not data."""
    for r in range(min(3, table.n_rows)):
        roles: list[str | None] = [None] * table.n_cols
        found = 0
        for c in table.cells:
            if c.row <= r < c.row + c.row_span:
                # a header cell over several columns may be several header cells whose
                # rules were not seen ('Sasaran Strategis | Indikator Kinerja'): each
                # column's part of it is read on its own first. A cell run on into the
                # data under it (the rule between them lost: 'INDIKATOR KINERJA' over the
                # first indicator) is read by its header part alone where that names more
                role, parts = _header_cell(c, table, c.words)
                if c.row + c.row_span > r + 1:
                    band = _header_cell(c, table, [w for w in c.words if w.cy < table.row_edges[r + 1]])
                    if _named(*band) > _named(role, parts):
                        role, parts = band
                if role and len(set(parts.values())) < 2:
                    found += 1
                    for k in range(c.col, c.col + c.col_span):
                        roles[k] = role
                else:
                    found += len(parts)
                    for k, sub in parts.items():
                        roles[k] = sub
        if found >= 2:
            skip = max((c.row + c.row_span for c in table.cells
                        if c.row <= r < c.row + c.row_span and c.col_span < table.n_cols), default=r + 1)
            skip = max(skip, r + 1)  # a header read from one cell across the table (its rules unseen)
            skip = _data_under(table, roles, r + 1, skip)
            # the column-number row under the header
            if skip < table.n_rows:
                cells = [c for c in table.cells if c.row == skip]
                if (is_column_numbers([" ".join(w.text for w in c.words) for c in cells])
                        or numbers_its_columns(cells, table.n_cols)):
                    skip += 1
            return Columns(repair_roles(roles, table)), skip
    # no header: maybe only a column-number row at the top
    texts = [" ".join(w.text for w in c.words) for c in table.cells if c.row == 0]
    return None, 1 if is_column_numbers(texts) else 0


def _data_under(table: Table, roles: Sequence[str | None], start: int, skip: int) -> int:
    """The first row from `start` to `skip` (the header's cells that reach furthest down)
    that holds data: a target or an amount, or an indicator or budget line's name of four
    words or more that names no column, in a cell of that row or in its part of a cell
    over several rows. A header cell that spans rows of data ('No.' merged with the '1.'
    under it, 'Indikator Kinerja' with the first indicator: the rule between them lost)
    makes the header no deeper than its other cells."""
    for k in range(start, skip):
        for c in table.cells:
            if not c.row <= k < c.row + c.row_span or c.col_span != 1:
                continue
            text = " ".join(ln.text for ln in words_to_lines(_words_in_row(c, table, k)))
            role = roles[c.col]
            if ((role == "target" and starts_value(text)) or (role == "amount" and find_amount(text) is not None)
                    or (role in ("indicator", "name") and len(text.split()) >= 4 and role_of(text) is None)):
                return k
    return skip


def repair_roles(roles: Sequence[str | None], table: Table) -> tuple[str | None, ...]:
    """Column roles the header left unread or doubled, from the shape of a target table.

    A narrow first column is No; the last column of a table with indicators is the
    Target; a column without a role between No and the indicators, in a table with no
    goal column, is the goal's (No | Sasaran Strategis | Indikator Kinerja | Target:
    its header read past knowing), and one between the goals and the units or targets,
    in a table with no indicator column, the indicator's; any other column without a
    role (a stray rule split a column in two) belongs to its left neighbour; a role read
    twice in a row is one column split in two.
    """
    out = list(roles)
    n = len(out)
    if n < 2 or not ({"indicator", "goal"} & set(out)):
        return tuple(out)
    widths = [table.col_edges[i + 1] - table.col_edges[i] for i in range(n)]
    total = sum(widths) or 1.0
    if out[0] != "no" and widths[0] / total < 0.1 and "no" not in out:
        out[0] = "no"
    if "target" not in out and out[-1] in (None, "indicator", "goal", "unit") and widths[-1] / total < 0.25:
        out[-1] = "target"
    if "goal" not in out:
        for i in range(1, n - 1):
            if out[i - 1] == "no" and out[i] is None and out[i + 1] == "indicator":
                out[i] = "goal"
    if "indicator" not in out:
        for i in range(1, n - 1):
            if out[i - 1] == "goal" and out[i] is None and out[i + 1] in ("unit", "target"):
                out[i] = "indicator"
    for i in range(1, n):
        if out[i] is None and out[i - 1] is not None:
            out[i] = out[i - 1]
    return tuple(out)


def cell_at(table: Table, r: int, c: int) -> Cell | None:
    for cell in table.cells:
        if cell.row <= r < cell.row + cell.row_span and cell.col <= c < cell.col + cell.col_span:
            return cell
    return None


def _words_in_row(cell: Cell, table: Table, r: int) -> tuple[Word, ...]:
    """The words of `cell` that lie in elementary row r (all of them for a merged goal cell)."""
    if cell.row_span == 1:
        return cell.words
    y0, y1 = table.row_edges[r], table.row_edges[r + 1]
    return tuple(w for w in cell.words if y0 <= w.cy < y1)


_SECTION = re.compile(r"^\s*(?:[A-H]|[IVX]{1,4})\s*[.),]\s*\S|^\s*\d{1,2}\s*[.),]?\s+[A-Z]|^\s*[-–•]\s*Program\b|^\s*(?:(?:[A-H]|[IVX]{1,4})\s+)?Program\b",
                      re.I)


TARGET_IN_TEXT = re.compile(r"\d\s?%")
GOAL_NOUN = re.compile(r"(?:Me|Ter|Ber)[a-z]{3,}nya")  # a goal opens so: 'Meningkatnya', 'Terkendalinya'
GOAL_OPENS = re.compile(r"(?:Me|Ter|Ber)[a-z]{3,}")  # ... or with a verb: 'Mewujudkan', 'Memenuhi'
SAME_GOAL = 90  # a goal atop a page this like (fuzz.ratio) the goal before it is that goal printed again


def section_kind(text: str) -> str:
    """'program' for a lettered or Roman-numbered heading or one that says Program,
    else 'activity'. A lower-case 'i.' or 'l.' is OCR's reading of '1.' (a program
    heading is a capital letter or numeral), so it numbers an activity."""
    enum, body = split_heading(text)
    kind = enumerator_kind(enum) if enum else None
    if kind == "letter" and enum[0] in "il":
        kind = "number"
    if kind in ("letter", "roman") or says_program(body):
        return "program"
    return "activity"


PROGRAM_LIKE = 80  # a heading's first word this like (fuzz.ratio) 'program' says it ('Pregram')


def says_program(text: str) -> bool:
    """True when a heading opens with 'Program' as read, after a lone letter OCR did not
    take for a mark ('a Pregram Dukungan')."""
    words = [w.strip(".,:;") for w in text.split()[:2]]
    if len(words) == 2 and len(words[0]) <= 1:
        words = words[1:]
    return bool(words) and fuzz.ratio(words[0].lower(), "program") >= PROGRAM_LIKE


def _first_program_once(rows: Sequence[RawRow]) -> list[RawRow]:
    """A program heading numbered 'I' that does not say Program, after a program heading,
    is an activity's '1.' as OCR reads it: only a table's first program is numbered I."""
    out: list[RawRow] = []
    seen = False
    for row in rows:
        if row.kind == "program":
            enum, body = split_heading(row.section)
            if seen and enum.strip(".,)") == "I" and not says_program(body):
                row = replace(row, kind="activity")
            seen = True
        out.append(row)
    return out


def _split_items(lines: Sequence[Line]) -> list[list[Line]]:
    """Group indicator lines into items: a new item at each bullet or enumerator."""
    items: list[list[Line]] = []
    for ln in lines:
        enum, _ = split_enumerator(ln.text)
        if enum or not items:
            items.append([ln])
        else:
            items[-1].append(ln)
    return items


MARK_CHARS = 5  # the most characters of a list's mark ('1.1.)'): a longer word is text


def hanging_marks(lines: Sequence[Line]) -> frozenset[int]:
    """The lines whose first word is a list's mark by where it stands, whatever OCR made
    of it ('vw' or '»' for '2.', 'LI.' for '1.1.', or the mark itself): a short word, with no small word of
    three letters in it, set apart from the text by most of a word's height, in front of
    the column where another line's text begins (after a mark `split_enumerator` knows, or
    wrapped under the text). A justified line's wide gap after its first word has no
    line beginning under the second."""
    starts = [(i, ln.words[1].bbox[0] if mark_of(ln.words[0].text) and len(ln.words) > 1
               else ln.left) for i, ln in enumerate(lines)]
    out = set()
    for i, ln in enumerate(lines):
        if len(ln.words) < 2:
            continue
        first, second = ln.words[0], ln.words[1]
        h = word_height(ln.words)
        if (len(first.text) <= MARK_CHARS and not re.search(r"[a-z]{3}", first.text)
                and second.bbox[0] - first.bbox[2] >= 0.8 * h
                and any(j != i and abs(x - second.bbox[0]) <= h / 2 for j, x in starts)):
            out.add(i)
    return frozenset(out)


def _strip_item(box: TextBox) -> str:
    enum, body = split_enumerator(box.text)
    if enum:
        return body
    lines = words_to_lines(box.words)
    if 0 in hanging_marks(lines) and box.text.startswith(lines[0].words[0].text + " "):
        return box.text[len(lines[0].words[0].text):].strip()
    return box.text


# words that open an indicator; a capitalised one inside a run-on cell starts the next item
INDICATOR_STARTS = frozenset("""
persentase prosentase presentase jumlah tingkat indeks indek nilai rasio ratio cakupan angka rata-rata
luas panjang capaian tersusunnya tersedianya terlaksananya meningkatnya menurunnya terwujudnya
kepuasan opini predikat laju proporsi penurunan peningkatan pertumbuhan kontribusi realisasi produksi
populasi prevalensi skor lama waktu status kualitas terbangunnya terselenggaranya terpenuhinya
""".split())
_CONNECTORS = frozenset("dan dari atau s.d s/d sd per hingga sampai serta - – / ,".split())


def _wrapped(line: Line, width: float) -> bool:
    """A line that fills its cell: the text went on on the next line (not a new value)."""
    return width > 0 and (line.right - line.left) >= 0.8 * width


def _two_numbers(line: str, after: str) -> bool:
    """Whether a line that fills its cell and the line after it are two numbers, not one
    cut at the edge: each a number alone, one no longer when joined ('29.710.536' over
    '9.765.438')."""
    a, b = clean_text(line).split(), clean_text(after).split()
    return (len(a) == 1 and bool(b) and parse_number(a[0]) is not None and parse_number(b[0]) is not None
            and parse_number(a[0] + b[0]) is None)


def join_cell_text(lines: Sequence[Line], width: float) -> str:
    """Join a cell's lines; a number cut at the cell edge is joined without a space."""
    out = ""
    for i, ln in enumerate(lines):
        t = clean_text(ln.text)
        if not out:
            out = t
        elif (_wrapped(lines[i - 1], width) and re.search(r"[\d.,]$", out) and re.match(r"^[\d.,]", t)):
            out += t
        else:
            out = join_lines([out, t])
    return out


_ONE_READ = frozenset("I l | !".split())


def value_groups(words: Sequence[Word], width: float) -> list[list[Word]]:
    """The separate values of a target cell, each as its words.

    A value starts at a number that opens the cell, opens a line after a line that did
    not fill the cell, or follows a complete value ('%' or a unit word) without a
    connector ('dan', 'dari', ',', '/'...) before it. A 'I', 'l' or '|' alone on its line
    is a value of its own (a '1' misread, or a rule's speck: `split_by_targets` tells).
    """
    lines = words_to_lines(words)
    groups: list[list[Word]] = []
    prev_text = ""
    for li, ln in enumerate(lines):
        new_line = True
        for w in ln.words:
            t = w.text
            # a '1' read as a letter or a bar, alone on its line, is a number too
            numeric = bool(re.match(r"^\d", t)) or (t in _ONE_READ and len(ln.words) == 1)
            list_line = new_line and li > 0 and (not _wrapped(lines[li - 1], width)
                                                 or _two_numbers(lines[li - 1].text, ln.text))
            after_value = bool(prev_text) and not re.match(r"^[\d(]", prev_text) and (
                prev_text.lower() not in _CONNECTORS and not prev_text.endswith((",", "/", "-")))
            if not groups:
                groups.append([w])
            elif numeric and (after_value or (list_line and re.match(r"^\d", clean_text(lines[li - 1].text)))):
                groups.append([w])
            else:
                groups[-1].append(w)
            prev_text = t
            new_line = False
    return groups


def _items_by_start_words(words: Sequence[Word], k: int) -> tuple[list[list[Word]], bool] | None:
    """Split a run-on indicator paragraph into k items at capitalised indicator-start words,
    and whether that is a guess: where those are too few by the ones needed, at capitalised
    words that open no name too ('... (net death rate) GDR (gross death rate) ...'), then
    at start words in small letters after a capitalised word ('Nilai SAKIP indeks ...')."""
    lines = words_to_lines(words)
    ordered = [w for ln in lines for w in ln.words]

    def starts(w: Word) -> bool:
        return w.text.lower().strip(".,:;") in INDICATOR_STARTS

    cuts = [i for i, w in enumerate(ordered) if i > 0 and w.text[:1].isupper() and starts(w)]
    guessed = len(cuts) < k - 1
    if guessed and any(split_enumerator(ln.text)[0] for ln in lines):
        return None  # a list: its marks tell where items begin, not its capitals
    # too few: capitalised words after a word in small letters, then start words in small
    # letters after a capitalised one ('Nilai SAKIP indeks kepuasan pegawai'); each outside
    # brackets, after a word that joins nothing
    capital, small, depth = [], [], 0
    for i, w in enumerate(ordered):
        before = ordered[i - 1].text if i else ""
        if (i > 0 and depth == 0 and i not in cuts and before.lower() not in JOINING_WORDS
                and not before.endswith((",", "/", "-", ":")) and not starts(ordered[i - 1])):
            if w.text[:1].isupper() and before[:1].islower():
                capital.append(i)
            elif w.text[:1].islower() and starts(w) and before[:1].isupper():
                small.append(i)
        depth = max(0, depth + w.text.count("(") - w.text.count(")"))
    for more in (capital, small):
        if len(cuts) < k - 1:
            cuts = sorted(cuts + more)
    if len(cuts) != k - 1:
        return None
    bounds = [0, *cuts, len(ordered)]
    return [ordered[bounds[j]:bounds[j + 1]] for j in range(k)], guessed


def _aligned(items: Sequence[Sequence[Word]], groups: Sequence[Sequence[Word]]) -> bool:
    """Whether each item stands level with its target, paired in order (a heading taken
    for an item, or two items read as one, shifts every target by one row)."""
    for item, g in zip(items, groups, strict=True):
        if not item:
            return False
        h = word_height(item)
        cy = sum(w.cy for w in g) / len(g)
        if not min(w.bbox[1] for w in item) - h / 2 <= cy <= max(w.bbox[3] for w in item) + h / 2:
            return False
    return True


def _wrapped_items(items: Sequence[Sequence[Line]], width: float = 0.0) -> list[list[Line]]:
    """Marked items with their wrapped lines, which start under the item's text; a line
    that starts at the marks instead is an item whose mark was misread ('©. Susu'), and
    so is a line after a short one (ending before `SHORT_LINE` of the cell's `width`:
    it did not wrap; '- Domba' over 'Kambing', its dash lost)."""
    out: list[list[Line]] = []
    left = min((ln.left for it in items for ln in it), default=0.0)
    for it in items:
        first = it[0]
        marked = bool(split_enumerator(first.text)[0]) and len(first.words) > 1
        text_x = first.words[1].bbox[0] if marked else first.left
        out.append([first])
        for before, ln in zip(it, it[1:], strict=False):
            if marked and (ln.left < text_x - word_height(first.words) / 2
                           or 0 < width and before.right - left <= SHORT_LINE * width):
                out.append([ln])
            else:
                out[-1].append(ln)
    return out


SHORT_LINE = 0.6  # of its cell's width: a line that ends sooner did not wrap


def split_by_targets(ind_words: Sequence[Word], tgt_words: Sequence[Word], unit_words: Sequence[Word],
                     page: int, ind_width: float = 0.0, tgt_width: float = 0.0,
                     ) -> list[tuple[TextBox, TextBox, TextBox, TextBox | None, bool]] | None:
    """Split one ruled cell holding several targets into (indicator, target, unit, parent) rows.

    Items of the indicator cell are found, in order of trust: list markers ('-', 'a.',
    '1.1.'), capitalised indicator-start words in a run-on paragraph, or the nearest
    target by height (of each marked item's first line, else of each line: a guess,
    marked, unless under a heading each target has one short line level with it).
    Returns None when the cell holds one value (nothing to split).
    """
    i_lines = list(words_to_lines(ind_words))
    # a lone 'I' is a '1' level with a marked item ('- Aplikasi kepegawaian'), else a rule's speck
    marked = [ln for ln in i_lines if split_enumerator(ln.text)[0]]
    groups = [g for g in value_groups(tgt_words, tgt_width)
              if not (len(g) == 1 and g[0].text in _ONE_READ)
              or any(abs(ln.cy - g[0].cy) <= ln.height for ln in marked)]
    k = len(groups)
    if k <= 1:
        return None
    items = _split_items(i_lines)
    parent: TextBox | None = None
    g_top = min(w.bbox[1] for w in groups[0])
    if len(items) == k + 1 or (len(items) > k and items[0][-1].bottom <= g_top + 2):
        head = items.pop(0)
        parent = box_of([w for ln in head for w in ln.words], page, [ln.text for ln in head])
    elif len(items) == k and all(split_enumerator(it[0].text)[0] for it in items[1:]):
        # a heading ending in a colon above the first target, its first item's mark lost
        # ('Jumlah produksi (ton) :' over 'a Daging', 'b. Telur', ...): the heading's lines
        ends = [i + 1 for i, ln in enumerate(items[0][:-1])
                if clean_text(ln.text).endswith(":") and ln.bottom <= g_top + 2]
        if ends:
            head, items[0] = items[0][:ends[-1]], items[0][ends[-1]:]
            parent = box_of([w for ln in head for w in ln.words], page, [ln.text for ln in head])
    item_words: list[list[Word]]
    guessed = False
    if len(items) == k and _aligned([[w for ln in it for w in ln.words] for it in items], groups):
        item_words = [[w for ln in it for w in ln.words] for it in items]
    elif (by_words := _items_by_start_words(ind_words, k)) is not None and parent is None:
        item_words, guessed = by_words
    else:
        guessed = True
        item_words = [[] for _ in range(k)]
        centres = [sum(w.cy for w in g) / len(g) for g in groups]
        head_lines: list[Line] = []
        # whole items where list marks make them (a wrapped item stays one), else lines
        pieces = _wrapped_items(items, ind_width) if len(items) > 1 else [[ln] for it in items for ln in it]
        taken: list[list[Line]] = [[] for _ in range(k)]
        for piece in pieces:
            if parent is None and piece[-1].bottom < g_top:
                head_lines.extend(piece)
                continue
            j = min(range(k), key=lambda q: abs(centres[q] - piece[0].cy))
            item_words[j].extend(w for ln in piece for w in ln.words)
            taken[j].extend(piece)
        if head_lines and parent is None:
            parent = box_of([w for ln in head_lines for w in ln.words], page, [ln.text for ln in head_lines])
        # under a heading, one line level with each target leaves no doubt where an item
        # begins when none wrapped (each ends well inside the cell) or the heading ends in a
        # colon (its last line is no item's first: 'Jumlah kasus ... zoonosa :' over
        # 'Avian Influenza (kasus/tahun)' and 'Brucellosis (prevalensi/ %)', which may wrap)
        left = min((ln.left for ln in i_lines), default=0.0)  # no line: no heading either
        guessed = not (parent is not None and ind_width > 0 and all(len(t) == 1 for t in taken)
                       and (parent.text.rstrip().endswith(":")
                            or all(t[0].right - left <= SHORT_LINE * ind_width for t in taken))
                       and _aligned(item_words, groups))
    u_lines = list(words_to_lines(unit_words))
    out = []
    for j, g in enumerate(groups):
        words = item_words[j] if j < len(item_words) else []
        ind = box_of(words, page, [ln.text for ln in words_to_lines(words)] if words else None)
        tgt = TextBox(join_cell_text(words_to_lines(g), tgt_width), page, union_bbox(w.bbox for w in g),
                      min(w.conf for w in g), tuple(g))
        top = min(w.bbox[1] for w in g)
        bot = max(w.bbox[3] for w in g) if j + 1 >= k else min(w.bbox[1] for w in groups[j + 1])
        uw = [w for ln in u_lines if top - 5 <= ln.cy <= bot + 5 for w in ln.words]
        out.append((ind, tgt, box_of(uw, page), parent, guessed))
    return out


def _own_columns(words: Sequence[Word], cell: Cell, table: Table, cols: Columns, role: str) -> Sequence[Word]:
    """The words of a cell over columns of several roles (the rule between a goal and its
    indicator lost in one row) that stand in `role`'s columns, by the column edges the
    other rows give; all of them for a cell over the indicator and the target columns
    (a section row: `table_rows`) or over columns of one role."""
    roles = {cols.roles[k] for k in range(cell.col, cell.col + cell.col_span)} - {None}
    if len(roles) < 2 or {"indicator", "target"} <= roles:
        return words
    own = [k for k in range(cell.col, cell.col + cell.col_span) if cols.roles[k] == role]
    x0, x1 = table.col_edges[own[0]], table.col_edges[own[-1] + 1]
    return [w for w in words if x0 <= w.cx < x1]


def table_rows(table: Table, cols: Columns, skip: int) -> list[RawRow]:
    """The rows of one target table (its data rows and section rows), top to bottom."""
    out: list[RawRow] = []
    c_no, c_goal = cols.of("no"), cols.of("goal")
    c_ind, c_tgt, c_unit = cols.of("indicator"), cols.of("target"), cols.of("unit")
    for r in range(skip, table.n_rows):
        by_role: dict[str, list[Word]] = {}
        span_cells = []
        for role, idx in (("no", c_no), ("goal", c_goal), ("indicator", c_ind), ("unit", c_unit),
                          ("target", c_tgt)):
            ws: list[Word] = []
            taken: set[int] = set()  # a cell over two columns of one role is read once
            for c in idx:
                cell = cell_at(table, r, c)
                if cell is None or id(cell) in taken:
                    continue
                taken.add(id(cell))
                if cell.col_span > 1 and role in ("goal", "indicator", "target"):
                    span_cells.append(cell)
                if role != "goal":
                    words = _words_in_row(cell, table, r)
                elif cell.row < skip:  # a goal cell run up into the header, the rule lost
                    words = tuple(w for w in cell.words if w.cy >= table.row_edges[skip])
                else:
                    words = cell.words
                ws.extend(_own_columns(words, cell, table, cols, role))
            by_role[role] = ws
        # a cell spanning indicator and target columns: a section row
        spans_body = any(c.col_span > 1 and (set(range(c.col, c.col + c.col_span)) & set(c_tgt))
                         and (set(range(c.col, c.col + c.col_span)) & set(c_ind)) for c in span_cells)
        row_words = [w for role in ("no", "goal", "indicator", "target", "unit") for w in by_role.get(role, [])]
        uniq = list({id(w): w for w in row_words}.values())
        if spans_body:
            lines = words_to_lines(uniq)
            text = join_lines(ln.text for ln in lines)
            if text and (len(lines) > 3 or TARGET_IN_TEXT.search(text)):
                # a heading does not run on or hold a target: cells merged where the rules
                # between them were not found
                out.append(RawRow("unread", table.page, section=text))
            elif text:
                out.extend(RawRow(section_kind(t), table.page, section=t, target=box_of(ws, table.page))
                           for t, ws in _headings(lines))
            continue
        ind_w, tgt_w = by_role.get("indicator", []), by_role.get("target", [])
        unit_w = by_role.get("unit", [])
        cut = any(c.cut for c in table.cells if c.row == r)
        goal_w = by_role.get("goal", [])
        no_text = clean_text(" ".join(w.text for w in by_role.get("no", [])))
        lines = words_to_lines(uniq) if cut and not tgt_w and not unit_w else ()
        if lines and len(lines) <= 3 and _SECTION.match(join_lines(ln.text for ln in lines)):
            # a heading over the columns of a table whose rules were not found, cut with them
            out.extend(RawRow(section_kind(t), table.page, section=t, target=box_of(ws, table.page))
                       for t, ws in _headings(lines))
            continue
        if not ind_w and not tgt_w and not unit_w:
            # a heading written in the No/Sasaran columns with nothing beside it; a goal
            # there ('10 | Meningkatnya ...') is a goal whose indicator and target are
            # empty, or were not read: text in no row
            lines = words_to_lines(by_role.get("no", []) + goal_w)
            text = join_lines(ln.text for ln in lines)
            goal_only = bool(goal_w) and bool(GOAL_NOUN.match(clean_text(" ".join(w.text for w in goal_w))))
            if text and _SECTION.match(text) and not goal_only and not _goal_cell_spans(table, r, c_goal):
                out.extend(RawRow(section_kind(t), table.page, section=t, target=box_of(ws, table.page))
                           for t, ws in _headings(lines))
            elif r == skip and goal_w and not no_text and not goal_only:
                # atop the table, a goal's words alone that do not open a goal (no
                # 'Meningkatnya ...', `GOAL_NOUN`): the rest of the goal of the row the
                # page break cut ('reformasi birokrasi sesuai ketentuan', 'Rasa Aman dan
                # Nyaman ...', joined to it by `stitch_rows`), or text in no row
                out.append(RawRow("unread", table.page, box_of(goal_w, table.page), section=text))
            elif text and not _goal_cell_spans(table, r, c_goal):
                out.append(RawRow("unread", table.page, section=text))  # neither heading nor row
            continue
        goal = box_of(goal_w, table.page)
        tgt_cell = _span_bbox(table, r, c_tgt)
        ind_width = _width(table, c_ind)
        tgt_width = _width(table, c_tgt)
        split = split_by_targets(ind_w, tgt_w, unit_w, table.page, ind_width, tgt_width)
        if split is None:
            tgt_lines = words_to_lines(tgt_w)
            tgt = box_of(tgt_w, table.page)
            if tgt_w:
                tgt = replace(tgt, text=join_cell_text(tgt_lines, tgt_width))
            out.append(RawRow("data", table.page, goal, box_of(ind_w, table.page), tgt,
                              box_of(unit_w, table.page), None, no_text, target_cell=tgt_cell, cells_cut=cut))
        else:
            for ind, tgt, unit, parent, guessed in split:
                out.append(RawRow("data", table.page, goal, ind, tgt, unit, parent, no_text,
                                  target_cell=tgt.bbox or tgt_cell, split_by_position=guessed, cells_cut=cut))
    return out


def _headings(lines: Sequence[Line]) -> list[tuple[str, list[Word]]]:
    """The headings of a section row: one, or several where the rules between heading
    rows were not found ('A. Program Dukungan Manajemen' over '1. Pengelolaan
    Keuangan'): a new heading at each line that starts like one, a line that does not
    goes on the heading above (a long heading wrapped)."""
    out: list[tuple[list[str], list[Word]]] = []
    for ln in lines:
        if not out or _SECTION.match(ln.text):
            out.append(([ln.text], list(ln.words)))
        else:
            out[-1][0].append(ln.text)
            out[-1][1].extend(ln.words)
    if len(out) > 1 and not _SECTION.match(lines[0].text):
        out = [([t for texts, _ in out for t in texts], [w for _, ws in out for w in ws])]
    return [(join_lines(texts), ws) for texts, ws in out]


def _span_bbox(table: Table, r: int, cols: Sequence[int]) -> BBox | None:
    cells = [cell_at(table, r, c) for c in cols]
    cells = [c for c in cells if c is not None]
    return union_bbox(c.bbox for c in cells) if cells else None


def _width(table: Table, cols: Sequence[int]) -> float:
    if not cols:
        return 0.0
    return table.col_edges[max(cols) + 1] - table.col_edges[min(cols)] - 8.0


def _goal_cell_spans(table: Table, r: int, c_goal: Sequence[int]) -> bool:
    for c in c_goal:
        cell = cell_at(table, r, c)
        if cell is not None and cell.row_span > 1:
            return True
    return False


def stitch_rows(rows: Sequence[RawRow]) -> list[RawRow]:
    """Join rows cut by page breaks, carry merged Sasaran cells over them, attach list headings;
    the rows of text in no row ("unread") last.

    A row without a target whose indicator is followed by bulleted or lettered rows is
    the heading (`indicator_parent`) of those rows, not a row of its own; the list goes on
    over rows that start indented like its items (an item whose bullet OCR lost). Leading
    list markers and numbers ('1.1.', 'a.', '-') are dropped from indicators and headings.
    """
    # text in no row is returned last (to warn of), but the rest of a goal printed atop a
    # page, which joins the row the page cut right above it (not one above a row unread)
    kept: list[RawRow] = []
    unread: list[RawRow] = []
    after_unread = False  # the row before went to `unread`
    for row in rows:
        prev = kept[-1] if kept else None
        if row.kind != "unread":
            kept.append(row)
        elif (not row.goal.empty and prev is not None and not after_unread and prev.kind == "data"
              and prev.page != row.page and not prev.target.empty):
            _whole_goal(kept, prev.goal, _cat(prev.goal, row.goal))
            continue
        else:
            unread.append(row)
        after_unread = row.kind == "unread"
    rows = _first_program_once(kept)
    joined: list[RawRow] = []
    for i, row in enumerate(rows):
        prev = joined[-1] if joined else None
        if (row.kind == "data" and prev is not None and prev.kind == "data"
                and prev.page != row.page and prev.target.empty and not row.target.empty
                and not _is_item(row.indicator.text)):
            joined[-1] = replace(
                prev, goal=_cat(prev.goal, row.goal), indicator=_cat(prev.indicator, row.indicator),
                target=row.target, unit=row.unit if not row.unit.empty else prev.unit,
                page=row.page, continued=True,
            )
            continue
        if (row.kind == "data" and prev is not None and prev.kind == "data" and prev.page != row.page
                and not prev.target.empty and row.target.empty and not row.no and row.parent is None
                and not split_enumerator(row.indicator.text)[0] and not _opens_indicator(row.indicator.text)
                and not _heads_list(row, rows[i + 1] if i + 1 < len(rows) else None)):
            # the rest of the row the page cut, under its target: a row of its own would have one
            # (its target may be lost by OCR: a text that opens as indicators do is a row)
            same_goal = fuzz.ratio(row.goal.text, prev.goal.text) >= SAME_GOAL  # a merged goal printed again
            joined[-1] = replace(prev, goal=prev.goal if same_goal else _cat(prev.goal, row.goal),
                                 indicator=_cat(prev.indicator, row.indicator), continued=True)
            continue
        if row.kind == "data" and row.goal.empty and prev is not None and prev.kind == "data":
            row = replace(row, goal=prev.goal)
        elif (row.kind == "data" and prev is not None and prev.kind == "data" and prev.page != row.page
              and not prev.goal.empty
              and (_goal_rest(row.goal.text) or _goal_rest_maybe(row.goal, prev.goal))):
            # the rest of a goal cell merged over rows on both sides of the page break (no
            # goal opens in small letters, nor is it a goal's first word read small): the
            # whole goal is each of those rows'. Capitalised ('Akuntansi Pemerintahan (SAP)'
            # atop the page after '... berdasarkan Sistem'), it is joined when it opens as no
            # goal does and the goal before it as goals do: a guess, flagged on those rows
            guess = not _goal_rest(row.goal.text)
            row = replace(row, goal=_whole_goal(joined, prev.goal, _cat(prev.goal, row.goal), guess),
                          continued=row.continued or guess)
        joined.append(row)
    out: list[RawRow] = []
    parent: TextBox | None = None
    how = ""  # how the heading heads its list (`_heads_list`)
    for i, row in enumerate(joined):
        if row.kind != "data":
            parent = None
            out.append(row)
            continue
        heads = _heads_list(row, joined[i + 1] if i + 1 < len(joined) else None)
        if heads:  # its mark stripped once, not for each item under it
            parent, how = replace(row.indicator, text=_strip_item(row.indicator)), heads
            continue
        text = row.indicator.text
        flush = how in (FLUSH, GUESS)  # items not indented: the list ends at a row that is none
        if parent is not None and (
                (flush and not _unmarked_item(row))
                or (not flush and not _is_item(text) and not _indented(row.indicator, parent)
                    and not _letter_read_as_digit(text, joined[i - 1].indicator.text))):
            parent = None
        own_parent = replace(row.parent, text=_strip_item(row.parent)) if row.parent is not None else parent
        out.append(replace(row, indicator=replace(row.indicator, text=_strip_item(row.indicator)),
                           parent=own_parent if own_parent is not None and own_parent.text else None,
                           parent_guessed=row.parent is None and parent is not None and how == GUESS))
    return out + unread


def _opens_indicator(text: str) -> bool:
    words = split_enumerator(text)[1].split()
    return bool(words) and words[0].strip(".,:;").lower() in INDICATOR_STARTS


SURE = "sure"  # a list's heading by its items' marks, its colon over indented items, or their indent
GUESS = "guess"  # a list's heading by what the texts open with only: its items are flagged
FLUSH = "flush"  # a heading ending in a colon over items that are not indented under it


def _heads_list(row: RawRow, nxt: RawRow | None) -> str:
    """`SURE` when a row without a target heads a list: the next row, with a target, is a
    marked item, or starts indented under a heading that ends in a colon (its mark lost,
    or the list printed without marks: 'Jumlah medali (medali) :' over 'Emas', 'Perak'),
    or that opens as indicators do while the row does not (the colon and the marks lost:
    'Jumlah kasus penyakit ...' over 'Anthrax (kasus/tahun)'). Over a marked item it
    heads it even when the item's target was lost too (a faint '3' beside '- Aplikasi
    perencanaan': read again later, or flagged). Over rows not indented under it (a list
    printed without marks or indent) of a few words each, a heading ending in a colon
    heads them too (`FLUSH`), and one that opens as indicators do is `GUESS` (its colon
    lost: its items are flagged). '' when it heads no list."""
    if not (row.kind == "data" and row.target.empty and row.parent is None and nxt is not None
            and nxt.kind == "data"):
        return ""
    colon = row.indicator.text.rstrip().endswith(":")
    if _is_item(nxt.indicator.text):
        return SURE if colon or not _is_item(row.indicator.text) else ""
    if nxt.target.empty or split_enumerator(nxt.indicator.text)[0]:
        return ""
    if not (colon or (_opens_indicator(row.indicator.text) and not _opens_indicator(nxt.indicator.text))):
        return ""
    if _indented(nxt.indicator, row.indicator):
        return SURE
    # not indented: the heading's colon says a list follows; without it, the heading is a guess
    if not _unmarked_item(nxt):
        return ""
    return FLUSH if colon else GUESS


ITEM_WORDS = 5  # a list's item not indented under its heading has this many words at most


def _unmarked_item(row: RawRow) -> bool:
    """Whether a row may be an item of a list printed without marks or indent: a target,
    no number, a few words ('Avian Influenza (kasus/tahun)'), not opening as indicators do
    (a longer text, or one that opens so, is an indicator of its own: the list ends)."""
    text = row.indicator.text
    return (not row.target.empty and not split_enumerator(text)[0] and not _opens_indicator(text)
            and len(text.split()) <= ITEM_WORDS)


# the digit OCR reads for a small letter that marks an item ('g.' read '9.')
_DIGIT_OF_LETTER = {"b": "6", "g": "9", "i": "1", "l": "1", "o": "0", "q": "9", "s": "5", "z": "2"}


def _letter_read_as_digit(text: str, prev: str) -> bool:
    """True when `text` is marked with the digit OCR reads for the letter after the one
    that marks `prev` ('9. Itik' after 'f. Ayam buras': the list's 'g.')."""
    enum, mark = split_enumerator(text)[0], split_enumerator(prev)[0]
    if enumerator_kind(mark) != "letter" or enumerator_kind(enum) != "number":
        return False
    return _DIGIT_OF_LETTER.get(chr(ord(mark[0].lower()) + 1)) == enum.rstrip(".)")


def _is_item(text: str) -> bool:
    enum, _ = split_enumerator(text)
    return enumerator_kind(enum) in ("bullet", "letter") if enum else False


def _indented(text: TextBox, heading: TextBox) -> bool:
    """True when a text without a list marker starts well right of a list's heading (by
    a line's height or more), as the list's items do: an item whose bullet OCR lost.
    A numbered text is the next indicator wherever it starts."""
    if split_enumerator(text.text)[0] or not text.words or not heading.words:
        return False
    return (words_to_lines(text.words)[0].bbox[0] - words_to_lines(heading.words)[0].bbox[0]
            >= word_height(heading.words))


def _whole_goal(rows: list[RawRow], part: TextBox, whole: TextBox, guess: bool = False) -> TextBox:
    """The goal `whole` on the last rows of `rows` whose goal is `part` (a goal cell merged
    over them, which a page break cut), marked `continued` when the join is a `guess`;
    `whole` returned."""
    for k in range(len(rows) - 1, -1, -1):
        if rows[k].kind != "data" or rows[k].goal.text != part.text:
            break
        rows[k] = replace(rows[k], goal=whole, continued=rows[k].continued or guess)
    return whole


def _goal_rest(text: str) -> bool:
    """A goal's text atop a page that opens in small letters, and not with a goal's first
    word read small: the rest of the goal above."""
    return text[:1].islower() and not GOAL_NOUN.match(text[:1].upper() + text[1:])


def _goal_rest_maybe(goal: TextBox, before: TextBox) -> bool:
    """A capitalised goal atop a page that opens as no goal does, after one that opens as
    goals do: perhaps the rest of it (the truth files' goals all open with 'Me-', 'Ter-',
    'Ber-' where the goals beside them do)."""
    return (goal.text[:1].isupper() and not GOAL_OPENS.match(goal.text)
            and bool(GOAL_OPENS.match(before.text)) and fuzz.ratio(goal.text, before.text) < SAME_GOAL)


def _cat(a: TextBox, b: TextBox) -> TextBox:
    if a.empty:
        return b
    if b.empty:
        return a
    return TextBox(join_lines([a.text, b.text]), b.page, b.bbox, min(a.conf, b.conf), a.words + b.words)
