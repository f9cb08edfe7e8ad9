"""Budget lists: the lines of `Kegiatan | Anggaran` (or `Program | Anggaran | Ket.`).

A budget list is read as text lines, whether ruled or not. Every line holding a
Rupiah amount anchors one budget line; the name is the text left of the amount
(with its wrapped parts above or below, joined to the nearest anchor or to the
enumerated entry they belong to), the note is the text right of it (`APBD`).
Headers (`Kegiatan Anggaran`) and totals (`Jumlah`, `Total`) are not lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..records import Table, Word
from .layout import Line, clean_text, join_lines, union_bbox, word_height, words_to_lines
from .rows import MARK_CHARS, Columns, TextBox, cell_at, hanging_marks, join_cell_text
from .values import find_amount, mark_of, parse_rupiah, split_enumerator

_TOTAL = re.compile(r"^\s*(jumlah|total|grand total|sub ?total)\b", re.I)
_HEADER = re.compile(r"\banggaran\b|\bketerangan\b|^\s*(no\.?\s+)?(kegiatan|program)\s*$", re.I)
_ENUM_LINE = re.compile(r"^\s*\d{1,2}\s*[.)]?(\s|$)")
_RP_WORD = re.compile(r"^R[pP]\.?$")
_AMOUNT_PIECE = re.compile(r"^[\d.,]+$")
_DIGIT_GROUPS = re.compile(r"\d{1,3}(?:[.,]\d{3}){2,}")  # an amount's groups of thousands, however misread
_LAST_GROUPS = re.compile(r"^[.,]?\d{3}(?:[.,]\d{3})*(?:[.,](?:-+|00))?[-.,]*$")


@dataclass(frozen=True, slots=True)
class RawBudget:
    """One budget line as read."""

    name: TextBox
    amount_text: TextBox  # the amount as printed ('Rp 4.105.373.000,-')
    amount: int | None
    note: str | None
    total: bool = False  # a total line: not a budget line, but checked against the sum
    no: str = ""  # its number in a numbered list ('2.', 'b.'), as read
    heading_after: str = ""  # a text atop the next page taken for a heading, not the rest of this name


def _split_anchor(line: Line) -> tuple[list[Word], list[Word], list[Word], int] | None:
    """(name words, amount words, note words, amount) of a line holding an amount."""
    text = line.text
    found = find_amount(text)
    if found is None:
        return None
    amount, start, end = found
    # map character offsets back to words
    pos, name, amt, note = 0, [], [], []
    for w in line.words:
        a, b = pos, pos + len(w.text)
        pos = b + 1
        if b <= start:
            name.append(w)
        elif a >= end:
            note.append(w)
        else:
            amt.append(w)
    # 'Rp 4.61 1.312.000,-': a gap in the amount left its first digits before it; what
    # 'Rp' starts is the amount's (its reading then has low confidence or odd groups)
    pieces = len(amt)
    rp = [i for i, w in enumerate(name) if _RP_WORD.match(w.text)]
    if rp and all(_AMOUNT_PIECE.match(w.text) for w in name[rp[-1] + 1:]):
        name, amt = name[:rp[-1]], name[rp[-1]:] + amt
    # 'Rp. 942.641 000,-': a point read as a gap left the last groups after the amount
    while note and amt and _LAST_GROUPS.match(note[0].text) and (
            note[0].bbox[0] - amt[-1].bbox[2] <= 1.5 * (amt[-1].bbox[3] - amt[-1].bbox[1])):
        amt, note = [*amt, note[0]], note[1:]
    if len(amt) != pieces:
        amount = parse_rupiah(" ".join(w.text for w in amt)) or amount
    return name, amt, note, amount


def budget_lines(lines: Sequence[Line], page_of: Sequence[int]) -> list[RawBudget]:
    """Budget lines from the text lines of a budget region (`page_of[i]`: page of line i)."""
    anchors: list[int] = []
    parts: dict[int, tuple[list[Word], list[Word], list[Word], int | None]] = {}
    # a list number, as read or misread ('vw' for '2.'), is no word of the name; a line
    # with no amount keeps its number in the name: an entry whose amount was lost
    marks = {i for i in hanging_marks(lines) if not _RP_WORD.match(lines[i].words[0].text)}
    # a mark as read, when it reads as one ('2.'); a misread one numbers nothing ('')
    numbers = {i: mark_of(lines[i].words[0].text) for i in marks}
    for i, ln in enumerate(lines):
        sp = _split_anchor(Line(ln.words[1:]) if i in marks else ln)
        if sp is not None:
            anchors.append(i)
            parts[i] = sp
    if not anchors:
        return []
    enumerated = [i for i, ln in enumerate(lines) if _ENUM_LINE.match(ln.text) or i in marks]
    owner = _owners(lines, anchors, parts, enumerated)
    lost = _amounts_lost(lines, owner, parts, numbers)
    if lost:
        parts.update(lost)
        anchors = sorted([*anchors, *lost])
        owner = _owners(lines, anchors, parts, enumerated)
    # where the amount of a line that lost it stands (the amounts' column, on its line): read again there
    column = _amount_column(parts)
    lost_at = {i: union_bbox([(column[0], lines[i].top, column[1], lines[i].bottom),
                              *(w.bbox for w in parts[i][1])]) for i in lost if column}
    out: list[RawBudget] = []
    for a in anchors:
        name_w, amt_w, note_w, amount = parts[a]
        amt_left = min(w.bbox[0] for w in amt_w) if amt_w else lines[a].right
        amt_right = max(w.bbox[2] for w in amt_w) if amt_w else lines[a].right
        name_lines: list[tuple[float, list[Word]]] = [(lines[a].cy, name_w)]
        note_parts: list[tuple[float, list[Word]]] = [(lines[a].cy, note_w)] if note_w else []
        name_left = min((w.bbox[0] for w in name_w), default=lines[a].left)
        for i in sorted(k for k, v in owner.items() if v == a and k != a):
            if _marks_only(lines[i], name_left, word_height(lines[a].words)):
                continue
            nw = [w for w in lines[i].words if w.cx < amt_left]
            rw = [w for w in lines[i].words if w.cx > amt_right]
            if nw:
                name_lines.append((lines[i].cy, nw))
            if rw:
                note_parts.append((lines[i].cy, rw))
        name_lines.sort(key=lambda t: t[0])
        texts = [" ".join(w.text for w in ws) for _, ws in name_lines if ws]
        name_text = join_lines(texts)
        enum, body = split_enumerator(name_text)
        if enum:
            name_text = body
        name_text = name_text.strip(" .:-")
        all_name = [w for _, ws in name_lines for w in ws]
        page = page_of[a]
        conf_name = min((w.conf for w in all_name), default=0.0)
        name_box = TextBox(name_text, page, union_bbox(w.bbox for w in all_name) if all_name else None,
                           conf_name, tuple(all_name))
        amt_text = clean_text(" ".join(w.text for w in amt_w))
        amt_bbox = lost_at.get(a) or (union_bbox(w.bbox for w in amt_w) if amt_w else None)
        amt_box = TextBox(amt_text, page, amt_bbox, min((w.conf for w in amt_w), default=0.0), tuple(amt_w))
        note_parts.sort(key=lambda t: t[0])
        note = clean_text(" ".join(w.text for _, ws in note_parts for w in ws)) or None
        no = enum or numbers.get(a, "")
        out.append(RawBudget(name_box, amt_box, amount, note, bool(_TOTAL.match(name_text)), no))
    return out


def _marks_only(line: Line, name_left: float, height: float) -> bool:
    """True for a line of list marks in front of where the names begin: short words that
    read as marks or stand as tall as two lines ('on' for a '2.' over a '3.'); a short word
    of a name wrapped under its mark ('dan') is the name's."""
    return all(w.bbox[2] <= name_left and len(w.text) <= MARK_CHARS
               and (bool(mark_of(w.text)) or w.bbox[3] - w.bbox[1] >= 1.5 * height)
               for w in line.words)


def _owners(lines: Sequence[Line], anchors: Sequence[int],
            parts: dict[int, tuple[list[Word], list[Word], list[Word], int | None]],
            enumerated: Sequence[int]) -> dict[int, int]:
    """The anchor (a line holding an amount) each line's words belong to: the nearest,
    or the one its list number opens; a wrapped part only if it touches its entry (no
    gap of a blank line)."""
    owner: dict[int, int] = {a: a for a in anchors}
    use_enum = len(enumerated) >= 2 and len(enumerated) == len(
        [a for a in anchors if not _TOTAL.match(clean_text(" ".join(w.text for w in parts[a][0])))]
    )
    candidate: dict[int, int] = {}
    for i, ln in enumerate(lines):
        if i in owner:
            continue
        t = clean_text(ln.text)
        if not t or (_HEADER.search(t) and not _ENUM_LINE.match(t)):
            continue
        cand = min(anchors, key=lambda a: abs(lines[a].cy - ln.cy))
        if use_enum:
            starts = [e for e in enumerated if e <= i]
            if starts:
                nxt = [e for e in enumerated if e > starts[-1]]
                inside = [a for a in anchors if starts[-1] <= a < (nxt[0] if nxt else len(lines))]
                if inside:
                    cand = inside[0]
        candidate[i] = cand
    members: dict[int, list[int]] = {a: [a] for a in anchors}
    for i in sorted(candidate, key=lambda k: abs(lines[k].cy - lines[candidate[k]].cy)):
        a = candidate[i]
        h = max(lines[i].height, lines[a].height)
        if min(abs(lines[m].cy - lines[i].cy) for m in members[a]) <= 1.9 * h:
            members[a].append(i)
            owner[i] = a
    return owner


def _amount_column(parts: dict[int, tuple[list[Word], list[Word], list[Word], int | None]]
                   ) -> tuple[float, float] | None:
    """Left and right of the amounts read (None when none was)."""
    words = [w for _, amt, _, amount in parts.values() if amount is not None for w in amt]
    return (min(w.bbox[0] for w in words), max(w.bbox[2] for w in words)) if words else None


_Parts = tuple[list[Word], list[Word], list[Word], int | None]  # name, amount, note words; the amount


def _amounts_lost(lines: Sequence[Line], owner: dict[int, int], parts: dict[int, _Parts],
                  numbers: dict[int, str]) -> dict[int, _Parts]:
    """Lines with no amount read, with a word of a name, a line's pitch or so from an
    entry, that are entries of their own: a line opened by a list number ('2.', '2',
    'b.') that joined no entry or one another number opens, or any line with digit
    groups where the amounts stand that do not read as one ('5.661.859.090.00'):
    entries whose amount was not read (faded, or garbled: 'para Ooo'), as (name,
    amount, note words, None). Dropped or joined to the entry above, they were lines
    lost without a word; kept, the amount is read again or the line flagged. A line
    neither opens is not one (a signature's 'NIP. 1964...', what OCR makes of a stamp)."""
    column = _amount_column(parts)
    out: dict[int, _Parts] = {}
    if column is None:
        return out
    entries = [lines[a] for a in owner if owner[a] == a]
    for i, ln in enumerate(lines):
        t = clean_text(ln.text)
        if owner.get(i) == i or not t or _HEADER.search(t) or _TOTAL.match(split_enumerator(t)[1]):
            continue
        h = ln.height
        words = ln.words[1:] if i in numbers else ln.words
        amt = [w for w in words if column[0] - h <= w.cx <= column[1] + h]
        misread = bool(_DIGIT_GROUPS.search(" ".join(w.text for w in amt)))
        # a numbered line joined to an entry its own number opens is another entry
        numbered = _numbered(lines, i, numbers) and (i not in owner or _numbered(lines, owner[i], numbers))
        near = min(abs(e.cy - ln.cy) for e in entries) <= 2.5 * h
        name = [w for w in words if w.cx < column[0] - h]
        if (numbered or misread) and near and any(sum(ch.isalpha() for ch in w.text) >= 3 for w in name):
            out[i] = (name, amt, [w for w in words if w.cx > column[1] + h], None)
            entries.append(ln)
    return out


def _numbered(lines: Sequence[Line], i: int, numbers: dict[int, str]) -> bool:
    return bool(_ENUM_LINE.match(clean_text(lines[i].text)) or numbers.get(i))


def table_budget(table: Table, cols: Columns, skip: int) -> list[RawBudget]:
    """Budget lines of a ruled budget table, row by row (amounts may wrap inside their cell).

    A first row with a name and no amount nor number is returned with no amount text: the
    rest of a name the page cut, when the table goes on from the page before.

    An unlabelled column between the name and the amount (a lone 'Rp' column) counts
    as part of the amount.
    """
    roles = list(cols.roles)
    amount_cols = [i for i, r in enumerate(roles) if r == "amount"]
    if not amount_cols:
        return []
    for i, r in enumerate(roles):
        if r is None and (i + 1 in amount_cols or i - 1 in amount_cols):
            amount_cols.append(i)
    name_cols = cols.of("name") or tuple(i for i, r in enumerate(roles) if r is None and i not in amount_cols)
    out: list[RawBudget] = []
    number = ""  # the first line's in the No column
    for r in range(skip, table.n_rows):
        parts: dict[str, list[Word]] = {"name": [], "amount": [], "note": []}
        widths = {"name": 0.0, "amount": 0.0}
        seen: set[int] = set()
        for role, idx in (("name", name_cols), ("amount", sorted(amount_cols)), ("note", cols.of("note"))):
            for c in idx:
                cell = cell_at(table, r, c)
                if cell is None or id(cell) in seen or cell.row != r:
                    continue
                seen.add(id(cell))
                parts[role].extend(cell.words)
                if role in widths:
                    widths[role] += cell.bbox[2] - cell.bbox[0]
        amt_lines = words_to_lines(parts["amount"])
        starts = [i for i, ln in enumerate(amt_lines) if find_amount(ln.text) is not None]
        if len(starts) > 1:  # several entries in one ruled row: read its lines
            row_words = parts["name"] + parts["amount"] + parts["note"]
            lines = words_to_lines(row_words)
            out.extend(budget_lines(lines, [table.page] * len(lines)))
            continue
        amt_text = join_cell_text(amt_lines, widths["amount"] - 8)
        amount = parse_rupiah(amt_text) if amt_text else None
        if amount is None:
            found = find_amount(amt_text)
            amount = found[0] if found else None
        name_text = join_lines(ln.text for ln in words_to_lines(parts["name"]))
        enum, body = split_enumerator(name_text)
        name_text = (body if enum else name_text).strip(" .:-")
        nw, aw = parts["name"], parts["amount"]
        page = table.page
        if not amt_text and r == skip and name_text and not enum and nw:
            # the first row holds a name and no amount: the rest of a line the page cut
            # (the caller joins it to the line before, or drops it)
            out.append(RawBudget(TextBox(name_text, page, union_bbox(w.bbox for w in nw),
                                         min(w.conf for w in nw), tuple(nw)),
                                 TextBox("", page), None, None))
            continue
        if not amt_text or (amount is None and sum(ch.isalnum() for ch in amt_text) < 2):
            continue  # a heading row or an empty row; text under the amounts is one misread ('para Ooo')
        if not out:
            number = " ".join(w.text for c in cols.of("no") if (cell := cell_at(table, r, c)) is not None
                              and cell.row == r for w in cell.words).strip()
        out.append(RawBudget(
            TextBox(name_text, page, union_bbox(w.bbox for w in nw) if nw else None,
                    min((w.conf for w in nw), default=0.0), tuple(nw)),
            TextBox(amt_text, page, union_bbox(w.bbox for w in aw) if aw else None,
                    min((w.conf for w in aw), default=0.0), tuple(aw)),
            amount,
            join_lines(ln.text for ln in words_to_lines(parts["note"])) or None,
            bool(_TOTAL.match(name_text.replace(" ", "")) or _TOTAL.match(name_text)),
            enum or "",
        ))
    if len(out) == 1 and not out[0].no and re.fullmatch(r"[2-9]\.?", number):
        # one line, numbered in a column of its own other than 1: the lines before it were
        # lost (seed 3434 hard: read into a header and a merged row); a longer list's
        # numbers there are misread too often to count ('1., 5', 'I., 4, 3')
        out[0] = replace(out[0], no=number)
    return out
