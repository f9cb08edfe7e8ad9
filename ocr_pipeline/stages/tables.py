"""Table structure: ruling lines become grids, grids become cells holding words.

`find_tables(page)` finds every ruled table on a page:

1. horizontal and vertical rules that touch each other form one table;
2. their positions (clustered) give the elementary grid: column edges from the
   vertical rules, row edges from the horizontal ones; a table whose outer
   verticals are missing takes its sides from the ends of its horizontal rules;
3. two neighbouring elementary cells merge where the rule between them is missing
   (less than `coverage` of the boundary is ruled, the dashes of a dashed or faded
   rule counted too): a Sasaran cell spanning several indicators, a section row
   spanning the columns;
4. each word goes to the cell holding its centre.

A table with horizontal rules but too few vertical ones (partial borders) takes its
column edges from the gaps between the words of its header row.
"""

from __future__ import annotations

import bisect
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Cell, OcrPage, Rule, Table, Word

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TableSettings:
    """Geometry tolerances, in inches (converted with the page's dpi)."""

    snap: float = 0.03  # rules closer than this are one edge
    touch: float = 0.06  # a horizontal and a vertical rule this close touch
    min_rule: float = 0.3  # shorter rules do not make tables
    min_cell: float = 0.07  # narrower rows/columns are noise (double rules)
    coverage: float = 0.3  # fraction of a cell side that must be ruled to separate cells (dashed rules too)
    bridge: float = 0.5  # pieces of one horizontal rule this far apart still hold one table together


def _cluster(values: Sequence[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


class _UF:
    def __init__(self, n: int) -> None:
        self.p = list(range(n))

    def find(self, a: int) -> int:
        while self.p[a] != a:
            self.p[a] = self.p[self.p[a]]
            a = self.p[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def _touch(h: Rule, v: Rule, tol: float) -> bool:
    return (min(h.x0, h.x1) - tol <= v.x0 <= max(h.x0, h.x1) + tol
            and min(v.y0, v.y1) - tol <= h.y0 <= max(v.y0, v.y1) + tol)


def _row_gap(a: Rule, b: Rule, snap: float) -> float:
    """The gap between two horizontal rules on one line (`inf` when not on one line)."""
    if abs((a.y0 + a.y1) / 2 - (b.y0 + b.y1) / 2) > snap:
        return float("inf")
    lo, hi = sorted(((min(a.x0, a.x1), max(a.x0, a.x1)), (min(b.x0, b.x1), max(b.x0, b.x1))))
    return max(0.0, hi[0] - lo[1])


def group_rules(rules: Sequence[Rule], dpi: int, s: TableSettings) -> list[list[Rule]]:
    """Rules that touch, or continue one another across a short gap, transitively: one
    group per table candidate. (The gap only groups: cells are still cut by the rules
    as printed, so a section row that no vertical rule crosses stays one cell.)

    A faded rule is found in pieces: horizontal pieces shorter than a table's rules
    (down to `min_cell`) still continue a rule and touch the rules across it, though
    they make no table by themselves, nor a row's edge off a long rule's line (seed
    3434: a speck by a column's rule under a lost top rule cut the header row); groups
    that span the same rows (their top and bottom at one height) and overlap or meet
    across a short gap are one table whose rules broke between them (a faded page of
    seed 3535: its table read as two, its target column in neither); and a vertical
    rule inside a table's box that touches none of its rules is a column's edge."""
    min_len, piece = s.min_rule * dpi, s.min_cell * dpi
    rs = [r for r in rules if max(abs(r.x1 - r.x0), abs(r.y1 - r.y0)) >= min_len
          or (r.horizontal and abs(r.x1 - r.x0) >= piece)]
    hs = [i for i, r in enumerate(rs) if r.horizontal]
    vs = [i for i, r in enumerate(rs) if not r.horizontal]
    uf = _UF(len(rs))
    tol = s.touch * dpi
    for i in hs:
        for j in vs:
            if _touch(rs[i], rs[j], tol):
                uf.union(i, j)
    # pieces of one broken horizontal rule (faded toner, a stamp across it) hold their table
    # together; vertical pieces do not: two tables one above the other share their columns
    bridge, snap = s.bridge * dpi, s.snap * dpi
    for a, i in enumerate(hs):
        for j in hs[a + 1:]:
            if _row_gap(rs[i], rs[j], snap) <= bridge:
                uf.union(i, j)
    groups: dict[int, list[Rule]] = {}
    for i, r in enumerate(rs):
        groups.setdefault(uf.find(i), []).append(r)
    tables = []
    for g in groups.values():
        long = [r for r in g if r.horizontal and abs(r.x1 - r.x0) >= min_len]
        if len(long) < 2 or not any(not r.horizontal for r in g):
            continue
        # a short piece is a rule's only on the line of a long one: alone it is no row's
        # edge (an underline, a speck by a column's rule)
        tables.append([r for r in g if not r.horizontal or abs(r.x1 - r.x0) >= min_len
                       or any(abs(r.y0 - h.y0) <= snap for h in long)])
    merged = True
    while merged:
        merged = False
        for a, b in itertools.combinations(range(len(tables)), 2):
            ba, bb = _extent(tables[a]), _extent(tables[b])
            if (abs(ba[1] - bb[1]) <= 2 * snap and abs(ba[3] - bb[3]) <= 2 * snap
                    and max(ba[0], bb[0]) - min(ba[2], bb[2]) <= bridge):
                tables[a] = tables[a] + tables.pop(b)
                merged = True
                break
    # a vertical rule inside a table that touches none of its rules (the rules it met faded
    # away) is still a column's edge
    grouped = {id(r) for g in tables for r in g}
    loose = [rs[j] for j in vs if id(rs[j]) not in grouped]
    for g in tables:
        x0, y0, x1, y1 = _extent(g)
        g += [r for r in loose if x0 + snap < r.x0 < x1 - snap and y0 - snap <= min(r.y0, r.y1)
              and max(r.y0, r.y1) <= y1 + snap]
    return tables


def _extent(group: Sequence[Rule]) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) of a group of rules."""
    return (min(min(r.x0, r.x1) for r in group), min(min(r.y0, r.y1) for r in group),
            max(max(r.x0, r.x1) for r in group), max(max(r.y0, r.y1) for r in group))


def _coverage(rules: Sequence[Rule], horizontal: bool, at: float, lo: float, hi: float,
              tol: float) -> float:
    """Fraction of the boundary [lo, hi] at `at` that is covered by rules."""
    spans = []
    for r in rules:
        if r.horizontal != horizontal:
            continue
        pos = (r.y0 + r.y1) / 2 if horizontal else (r.x0 + r.x1) / 2
        if abs(pos - at) > tol:
            continue
        a, b = (min(r.x0, r.x1), max(r.x0, r.x1)) if horizontal else (min(r.y0, r.y1), max(r.y0, r.y1))
        a, b = max(a, lo), min(b, hi)
        if b > a:
            spans.append((a, b))
    if hi <= lo:
        return 1.0
    spans.sort()
    covered, cur_a, cur_b = 0.0, None, None
    for a, b in spans:
        if cur_b is None or a > cur_b:
            if cur_b is not None:
                covered += cur_b - cur_a
            cur_a, cur_b = a, b
        else:
            cur_b = max(cur_b, b)
    if cur_b is not None:
        covered += cur_b - cur_a
    return covered / (hi - lo)


def grid_from_rules(group: Sequence[Rule], dpi: int, s: TableSettings
                    ) -> tuple[list[float], list[float]]:
    """Column and row edges of one table's rules."""
    snap = s.snap * dpi
    hs = [r for r in group if r.horizontal]
    vs = [r for r in group if not r.horizontal]
    rows = _cluster([(r.y0 + r.y1) / 2 for r in hs], snap)
    cols = _cluster([(r.x0 + r.x1) / 2 for r in vs], snap)
    left = min(min(r.x0, r.x1) for r in hs)
    right = max(max(r.x0, r.x1) for r in hs)
    if not cols or cols[0] - left > 2 * snap:
        cols.insert(0, left)
    if cols[-1] < right - 2 * snap:
        cols.append(right)
    top = min(min(r.y0, r.y1) for r in vs)
    bottom = max(max(r.y0, r.y1) for r in vs)
    if rows[0] - top > 2 * snap:
        rows.insert(0, top)
    if rows[-1] < bottom - 2 * snap:
        rows.append(bottom)
    # drop slivers (double rules, thick rules seen twice)
    min_cell = s.min_cell * dpi
    rows = _drop_slivers(rows, min_cell)
    cols = _drop_slivers(cols, min_cell)
    return cols, rows


def _drop_slivers(edges: list[float], min_gap: float) -> list[float]:
    out: list[float] = []
    for e in edges:
        if out and e - out[-1] < min_gap:
            out[-1] = (out[-1] + e) / 2 if len(out) > 1 else out[-1]
            continue
        out.append(e)
    return out


def cells_from_grid(group: Sequence[Rule], cols: list[float], rows: list[float], dpi: int,
                    s: TableSettings) -> list[tuple[int, int, int, int]]:
    """Merged cells as (row, col, row_span, col_span) where rules between them are missing."""
    n_r, n_c = len(rows) - 1, len(cols) - 1
    tol = max(s.snap * dpi, 3.0)
    uf = _UF(n_r * n_c)
    for r in range(n_r):
        for c in range(n_c):
            if c + 1 < n_c:  # right side of (r, c)
                cov = _coverage(group, False, cols[c + 1], rows[r], rows[r + 1], tol)
                if cov < s.coverage:
                    uf.union(r * n_c + c, r * n_c + c + 1)
            if r + 1 < n_r:  # bottom side
                cov = _coverage(group, True, rows[r + 1], cols[c], cols[c + 1], tol)
                if cov < s.coverage:
                    uf.union(r * n_c + c, (r + 1) * n_c + c)
    spans: dict[int, list[int]] = {}
    for i in range(n_r * n_c):
        root = uf.find(i)
        r, c = divmod(i, n_c)
        b = spans.setdefault(root, [r, c, r, c])
        b[0], b[1] = min(b[0], r), min(b[1], c)
        b[2], b[3] = max(b[2], r), max(b[3], c)
    out = []
    for r0, c0, r1, c1 in spans.values():
        out.append((r0, c0, r1 - r0 + 1, c1 - c0 + 1))
    # a merge that is not a rectangle swallows the cells its bounding box covers
    out.sort(key=lambda t: (-(t[2] * t[3]), t[0], t[1]))
    taken: set[tuple[int, int]] = set()
    final = []
    for r0, c0, rs, cs in out:
        cover = {(r, c) for r in range(r0, r0 + rs) for c in range(c0, c0 + cs)}
        if cover & taken:
            cover -= taken
            for r, c in sorted(cover):
                final.append((r, c, 1, 1))
            taken |= cover
            continue
        taken |= cover
        final.append((r0, c0, rs, cs))
    final.sort(key=lambda t: (t[0], t[1]))
    return final


def _assign_words(words: Sequence[Word], cells: list[tuple[int, int, int, int]], cols: list[float],
                  rows: list[float]) -> tuple[Cell, ...]:
    """The cells of a grid with their words, each word in the cell its middle falls in.

    A merged cell over several rows and several columns whose words stand in several of
    its rows and several of its columns is a table whose inner rules were not found
    (faded, warped: a header and the rows under it read as one cell), not a cell a table
    prints (a goal spans rows, a heading columns): it is cut by the grid's edges into its
    elementary cells, each marked `cut`.
    """
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, rs, cs in cells:
        for r in range(r0, r0 + rs):
            for c in range(c0, c0 + cs):
                owner[(r, c)] = (r0, c0)
    placed: dict[tuple[int, int], list[tuple[tuple[int, int], Word]]] = {(r, c): [] for r, c, _, _ in cells}
    for w in words:
        at = (bisect.bisect_right(rows, w.cy) - 1, bisect.bisect_right(cols, w.cx) - 1)
        if 0 <= at[0] < len(rows) - 1 and 0 <= at[1] < len(cols) - 1:
            placed[owner[at]].append((at, w))
    out = []
    for r0, c0, rs, cs in cells:
        mine = placed[(r0, c0)]
        if (rs > 1 and cs > 1 and len({at[0] for at, _ in mine}) > 1
                and len({at[1] for at, _ in mine}) > 1):
            out.extend(Cell(r, c, (cols[c], rows[r], cols[c + 1], rows[r + 1]),
                            tuple(w for at, w in mine if at == (r, c)), cut=True)
                       for r in range(r0, r0 + rs) for c in range(c0, c0 + cs))
            continue
        bbox = (cols[c0], rows[r0], cols[c0 + cs], rows[r0 + rs])
        out.append(Cell(r0, c0, bbox, tuple(w for _, w in mine), rs, cs))
    out.sort(key=lambda c: (c.row, c.col))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Grid:
    """The geometry of one ruled table: edges and merged cells (row, col, row_span, col_span)."""

    cols: tuple[float, ...]
    rows: tuple[float, ...]
    spans: tuple[tuple[int, int, int, int], ...]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.cols[0], self.rows[0], self.cols[-1], self.rows[-1])

    def cell_bbox(self, span: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        r0, c0, rs, cs = span
        return (self.cols[c0], self.rows[r0], self.cols[c0 + cs], self.rows[r0 + rs])


def table_grids(rules: Sequence[Rule], dpi: int, settings: TableSettings | None = None
                ) -> tuple[Grid, ...]:
    """The grid of every ruled table among `rules`, top to bottom."""
    s = settings or TableSettings()
    grids = []
    for group in group_rules(rules, dpi, s):
        cols, rows = grid_from_rules(group, dpi, s)
        if len(cols) < 3 or len(rows) < 2:
            continue
        spans = cells_from_grid(_edge_evidence(group, rules, cols, rows, dpi, s), cols, rows, dpi, s)
        grids.append(Grid(tuple(cols), tuple(rows), tuple(spans)))
    # a grid lying mostly inside a larger one is a piece of it (broken rules), not a table
    grids.sort(key=lambda g: -_area(g.bbox))
    kept: list[Grid] = []
    for g in grids:
        if not any(_overlap(g.bbox, k.bbox) >= 0.5 * _area(g.bbox) for k in kept):
            kept.append(g)
    kept.sort(key=lambda g: g.rows[0])
    return tuple(kept)


def _edge_evidence(group: Sequence[Rule], rules: Sequence[Rule], cols: Sequence[float], rows: Sequence[float],
                   dpi: int, s: TableSettings) -> list[Rule]:
    """The rules of a table's group and the pieces too short to make a table that lie
    inside its box: the dashes of a dashed or faded rule still separate its cells."""
    tol = s.snap * dpi
    x0, x1, y0, y1 = cols[0] - tol, cols[-1] + tol, rows[0] - tol, rows[-1] + tol
    members = set(group)
    return list(group) + [r for r in rules if r not in members and x0 <= min(r.x0, r.x1)
                          and max(r.x0, r.x1) <= x1 and y0 <= min(r.y0, r.y1) and max(r.y0, r.y1) <= y1]


def _area(b: tuple[float, float, float, float]) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def find_tables(page: OcrPage, settings: TableSettings | None = None) -> tuple[Table, ...]:
    """Every ruled table on the page, top to bottom, with its words in its cells."""
    tables = []
    for g in table_grids(page.rules, page.dpi, settings):
        cols, rows = list(g.cols), list(g.rows)
        assigned = _assign_words(page.words, list(g.spans), cols, rows)
        tables.append(Table(page.page, g.bbox, len(rows) - 1, len(cols) - 1, assigned,
                            g.cols, g.rows))
    return tuple(tables)
