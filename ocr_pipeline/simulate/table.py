"""Ruled tables that run over pages: merged cells, section rows, repeated headers.

A table is a sequence of items: `Section` rows (a heading spanning every column
after No) and `Group`s. A group is a run of `Band`s (table rows) that share the
merged cells of the group's merged columns (the Sasaran Strategis, and the No
column when it is merged): a merged cell is drawn once, over all its bands, with
no rule across it, while the other columns get a cell (and rules) per band.

Text in a cell sits on line slots of one pitch (`TableStyle.pitch`), so a band or
a merged cell splits across a page break at a slot: the slots that fit stay, the
rest continue on the next page under a repeated header, as a word processor
breaks a row. `Band.anchors` say on which slot the value that a truth row or
budget line is judged by (its target or amount) is drawn; placing a band records
that slot's page, which becomes the row's `page` in the truth.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from . import fonts
from .canvas import CellRecord, Color, FillOp, Flow, RuleOp
from .fonts import TextStyle


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # no | goal | indicator | unit | target | name | amount | note
    title: str
    x0: float
    x1: float
    align: str = "left"  # left | center | right
    justify: bool = False


@dataclass(frozen=True, slots=True)
class CellLine:
    """One line of text in a cell: `dx` indents it, `gap` justifies it.

    `label` (a number such as "1.1." or a bullet) is drawn on the same line at
    `label_dx`, left of the indented text.
    """

    text: str
    dx: float = 0.0
    gap: float = 0.0
    bold: bool = False
    label: str = ""
    label_dx: float = 0.0


Slots = tuple[CellLine | None, ...]  # None: an empty line slot


@dataclass(frozen=True, slots=True)
class TableStyle:
    columns: tuple[Column, ...]
    text: TextStyle
    pitch: float  # distance between lines, layout px
    pad_y: float
    pad_x: float
    rule: float  # width of inner rules, layout px
    outer: float  # width of the outer border and the rule under the header
    merged: tuple[str, ...] = ("no", "goal")  # columns whose cells span a group
    header_fill: Color | None = None
    header_upper: bool = False
    number_row: tuple[str, ...] = ()  # "(1)", "(2)", ... ; empty: no row of column numbers
    section_label_in_no: bool = False
    section_bold: bool = True
    split_rows: bool = True  # a row may break across pages (as Word allows by default)
    agreement: int = 0

    def col(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def has(self, key: str) -> bool:
        return any(c.key == key for c in self.columns)

    def inner_width(self, key: str) -> float:
        c = self.col(key)
        return c.x1 - c.x0 - 2 * self.pad_x

    @property
    def left(self) -> float:
        return self.columns[0].x0

    @property
    def right(self) -> float:
        return self.columns[-1].x1


@dataclass(frozen=True, slots=True)
class Band:
    """One table row: line slots per column, and where its truth values sit."""

    cells: Mapping[str, Slots]
    anchors: tuple[tuple[str, int, int], ...] = ()  # (kind, truth index, slot)
    rows: tuple[int, ...] = ()  # truth rows this band belongs to (target rows)
    n_min: int = 1

    @property
    def n(self) -> int:
        return max([self.n_min, *(len(v) for v in self.cells.values())])

    def split(self, m: int) -> tuple[Band, Band]:
        head = Band({k: v[:m] for k, v in self.cells.items()},
                    tuple(a for a in self.anchors if a[2] < m), self.rows, 1)
        tail = Band({k: v[m:] for k, v in self.cells.items()},
                    tuple((k, i, s - m) for k, i, s in self.anchors if s >= m), self.rows, 1)
        return head, tail


@dataclass(frozen=True, slots=True)
class Group:
    """Bands sharing merged cells (`merged`: slots per merged column)."""

    merged: Mapping[str, Slots]
    bands: tuple[Band, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A heading row: `label` in the No column (or before the text), `text` spanning the rest."""

    label: str
    text: str
    lines: Slots = ()
    label_lines: Slots = ()


Item = Group | Section


# --------------------------------------------------------------------------- building cells


def text_slots(text: str, width: float, style: TextStyle, *, justify: bool = False,
               dx: float = 0.0, bold: bool = False) -> tuple[CellLine, ...]:
    """`text` wrapped to `width` (less the indent `dx`), one `CellLine` per line."""
    st = style.with_bold(bold)
    return tuple(CellLine(ln.text, dx, ln.gap, bold)
                 for ln in fonts.wrap(text, width - dx, st, justify=justify))


def hanging_slots(label: str, text: str, width: float, style: TextStyle, indent: float, *,
                  justify: bool = False, label_dx: float = 0.0) -> Slots:
    """`label` (a number or a bullet) with `text` wrapped beside it at `indent`."""
    body = text_slots(text, width, style, justify=justify, dx=indent)
    if not body:
        return (CellLine("", indent, 0, False, label, label_dx),)
    return (replace(body[0], label=label, label_dx=label_dx), *body[1:])


def valign(lines: Slots, n: int, how: str) -> Slots:
    """Pad `lines` with empty slots to `n`, placing them at the top, middle or bottom."""
    free = max(0, n - len(lines))
    before = {"top": 0, "bottom": free, "middle": free // 2}[how]
    return (None,) * before + tuple(lines) + (None,) * (free - before)


def section_item(ts: TableStyle, label: str, text: str) -> Section:
    """A section row: "A. Program ..." across the columns after No, or "A." in the No column."""
    first = ts.columns[1]
    span_w = ts.right - first.x0 - 2 * ts.pad_x
    st = ts.text.with_bold(ts.section_bold)
    if ts.section_label_in_no:
        lines = text_slots(text, span_w, st, bold=ts.section_bold)
        return Section(label, text, lines, (CellLine(label, 0, 0, ts.section_bold),))
    lab_w = fonts.text_width(label + " ", st)
    body = fonts.wrap(text, span_w - lab_w, st)
    first_line = CellLine(f"{label} {body[0].text}", 0, 0, ts.section_bold)
    rest = tuple(CellLine(ln.text, lab_w, 0, ts.section_bold) for ln in body[1:])
    return Section(label, text, (first_line, *rest), ())


# --------------------------------------------------------------------------- placing


@dataclass(slots=True)
class Placement:
    """What placing a table recorded: page of each anchored truth value."""

    pages: dict[tuple[str, int], int] = field(default_factory=dict)


def _band_h(ts: TableStyle, n: int) -> float:
    return n * ts.pitch + 2 * ts.pad_y


def _baseline(ts: TableStyle, y_top: float, slot: int, style: TextStyle) -> float:
    asc, desc = fonts.metrics(style)
    return y_top + ts.pad_y + slot * ts.pitch + (ts.pitch - asc - desc) / 2 + asc


def _draw_lines(flow: Flow, ts: TableStyle, col: Column, y_top: float, lines: Slots,
                x0: float | None = None, x1: float | None = None) -> str:
    """Draw a cell's lines; return its text (lines joined by spaces)."""
    x0 = col.x0 if x0 is None else x0
    x1 = col.x1 if x1 is None else x1
    words = []
    for i, ln in enumerate(lines):
        if ln is None or not (ln.text or ln.label):
            continue
        st = ts.text.with_bold(ln.bold)
        y = _baseline(ts, y_top, i, st)
        if ln.label:
            flow.text(x0 + ts.pad_x + ln.label_dx, y, ln.label, st)
            words.append(ln.label)
        if not ln.text:
            continue
        w = fonts.text_width(ln.text, st)
        if col.align == "center":
            x = (x0 + x1 - w) / 2
        elif col.align == "right":
            x = x1 - ts.pad_x - w
        else:
            x = x0 + ts.pad_x + ln.dx
        flow.text(x, y, ln.text, st, gap=ln.gap)
        words.append(ln.text)
    return " ".join(words)


def place_header(flow: Flow, ts: TableStyle) -> None:
    """The header row (and the row of column numbers) at the top of the table on this page."""
    hs = ts.text.with_bold(True)
    cells = {}
    for c in ts.columns:
        title = c.title.upper() if ts.header_upper else c.title
        cells[c.key] = tuple(CellLine(ln.text, 0, 0, True)
                             for ln in fonts.wrap(title, c.x1 - c.x0 - 2 * ts.pad_x, hs))
    n = max(len(v) for v in cells.values())
    h = _band_h(ts, n)
    y0 = flow.y
    if ts.header_fill is not None:
        flow.add(FillOp(ts.left, y0, ts.right, y0 + h, ts.header_fill))
    for c in ts.columns:
        flow.box(c.x0, y0, c.x1, y0 + h, ts.rule)
        centred = Column(c.key, c.title, c.x0, c.x1, "center")
        _draw_lines(flow, ts, centred, y0, valign(cells[c.key], n, "middle"))
    flow.y += h
    if ts.number_row:
        h2 = ts.pitch + 2 * ts.pad_y * 0.5
        small = replace(ts, pad_y=ts.pad_y * 0.5)
        for c, label in zip(ts.columns, ts.number_row, strict=True):
            flow.box(c.x0, flow.y, c.x1, flow.y + h2, ts.rule)
            centred = Column(c.key, c.title, c.x0, c.x1, "center")
            _draw_lines(flow, small, centred, flow.y, (CellLine(label),))
        flow.y += h2
    if ts.outer > ts.rule:
        flow.add(RuleOp(ts.left, flow.y, ts.right, flow.y, ts.outer))


def _close(flow: Flow, ts: TableStyle, top: float) -> None:
    """The outer border of the part of the table on this page."""
    if ts.outer > ts.rule:
        flow.box(ts.left, top, ts.right, flow.y, ts.outer)


def _place_section(flow: Flow, ts: TableStyle, sec: Section) -> None:
    n = max(len(sec.lines), len(sec.label_lines), 1)
    h = _band_h(ts, n)
    y0 = flow.y
    no, first = ts.columns[0], ts.columns[1]
    flow.box(no.x0, y0, no.x1, y0 + h, ts.rule)
    flow.box(first.x0, y0, ts.right, y0 + h, ts.rule)
    _draw_lines(flow, ts, Column("no", "", no.x0, no.x1, "center"), y0, sec.label_lines)
    span = Column("section", "", first.x0, ts.right)
    text = _draw_lines(flow, ts, span, y0, sec.lines)
    flow.add_cell(CellRecord(ts.agreement, "section", (), (first.x0, y0, ts.right, y0 + h), text))
    flow.y += h


def _group_height(ts: TableStyle, g: Group) -> float:
    rows = sum(_band_h(ts, b.n) for b in g.bands)
    merged = max([0.0, *(_band_h(ts, len(v)) for v in g.merged.values() if v)])
    return max(rows, merged)


def _place_group(flow: Flow, ts: TableStyle, g: Group, placement: Placement) -> None:
    y0 = flow.y
    total = _group_height(ts, g)
    heights = [_band_h(ts, b.n) for b in g.bands]
    heights[-1] += total - sum(heights)
    rows = tuple(dict.fromkeys(r for b in g.bands for r in b.rows))
    for key in ts.merged:
        c = ts.col(key)
        flow.box(c.x0, y0, c.x1, y0 + total, ts.rule)
        text = _draw_lines(flow, ts, c, y0, g.merged.get(key, ()))
        flow.add_cell(CellRecord(ts.agreement, key, rows, (c.x0, y0, c.x1, y0 + total), text))
    y = y0
    for band, h in zip(g.bands, heights, strict=True):
        for c in ts.columns:
            if c.key in ts.merged:
                continue
            flow.box(c.x0, y, c.x1, y + h, ts.rule)
            text = _draw_lines(flow, ts, c, y, band.cells.get(c.key, ()))
            flow.add_cell(CellRecord(ts.agreement, c.key, band.rows, (c.x0, y, c.x1, y + h), text))
        for kind, idx, _slot in band.anchors:
            placement.pages[(kind, idx)] = flow.page
        y += h
    flow.y = y0 + total


def split_group(ts: TableStyle, g: Group, room: float, *, force: bool, allow_split: bool
                ) -> tuple[Group | None, Group | None]:
    """The part of `g` that fits in `room`, and the rest (None when nothing is left).

    Bands that fit stay whole; the first band that does not fit is split at a line
    slot when `allow_split` (keeping at least two lines on this page) or when
    `force` (a fresh page, where at least one line must be placed).
    """
    def fit(space: float) -> int:
        return int((space - 2 * ts.pad_y + 1e-6) // ts.pitch)

    head: list[Band] = []
    used = 0.0
    tail: list[Band] = []
    for k, band in enumerate(g.bands):
        h = _band_h(ts, band.n)
        if used + h <= room:
            head.append(band)
            used += h
            continue
        m = fit(room - used)
        need = 1 if force and not head else 2
        if (allow_split or (force and not head)) and m >= need and band.n - m >= 1:
            b1, b2 = band.split(m)
            head.append(b1)
            used += _band_h(ts, m)
            tail = [b2, *g.bands[k + 1:]]
        else:
            tail = list(g.bands[k:])
        break
    if not head:
        return None, g
    space = used if tail else room
    head_merged, tail_merged = {}, {}
    for key, lines in g.merged.items():
        m = fit(space)
        head_merged[key], tail_merged[key] = lines[:m], lines[m:]
    leftover = any(tail_merged.values())
    if not tail and leftover:
        tail = [Band({}, (), (), 1)]
    head_g = Group(head_merged, tuple(head))
    if not tail:
        return head_g, None
    return head_g, Group(tail_merged, tuple(tail))


def place_table(flow: Flow, ts: TableStyle, items: list[Item], placement: Placement,
                new_page_kind: str = "table") -> None:
    """Place the header and `items` from `flow.y` on, breaking pages as needed."""
    min_start = _band_h(ts, 3) * 2
    if flow.room() < min_start:
        flow.new_page(new_page_kind)
    top = flow.y
    place_header(flow, ts)
    fresh = True

    def next_page() -> None:
        nonlocal top, fresh
        _close(flow, ts, top)
        flow.new_page(new_page_kind)
        top = flow.y
        place_header(flow, ts)
        fresh = True

    for i, item in enumerate(items):
        if isinstance(item, Section):
            # keep a heading with the headings under it and two lines of the next row
            need = 0.0
            for nxt in items[i:]:
                if isinstance(nxt, Section):
                    need += _band_h(ts, max(len(nxt.lines), 1))
                else:
                    need += _band_h(ts, 2)
                    break
            if flow.room() < need and not fresh:
                next_page()
            _place_section(flow, ts, item)
            fresh = False
            continue
        g: Group | None = item
        while g is not None:
            if _group_height(ts, g) <= flow.room():
                _place_group(flow, ts, g, placement)
                fresh = False
                break
            head, rest = split_group(ts, g, flow.room(), force=fresh, allow_split=ts.split_rows)
            if head is None and fresh:  # taller than a page and cannot split: let it overflow
                head, rest = g, None
            if head is not None:
                _place_group(flow, ts, head, placement)
                fresh = False
            g = rest
            if g is not None:
                next_page()
    _close(flow, ts, top)
