"""Layout: words become text lines; text is normalised to the contract's one-line form.

Lines are built from word geometry (not Tesseract's line ids, which can run across
table columns once the rules are gone): words overlapping vertically and close
horizontally form one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..records import BBox, Word


@dataclass(frozen=True, slots=True)
class Line:
    """Words on one text line, left to right."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bbox(self) -> BBox:
        return union_bbox(w.bbox for w in self.words)

    @property
    def top(self) -> float:
        return min(w.bbox[1] for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bbox[3] for w in self.words)

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def left(self) -> float:
        return min(w.bbox[0] for w in self.words)

    @property
    def right(self) -> float:
        return max(w.bbox[2] for w in self.words)

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def conf(self) -> float:
        return min((w.conf for w in self.words), default=0.0)


def union_bbox(boxes: Iterable[BBox]) -> BBox:
    bs = list(boxes)
    if not bs:
        return (0.0, 0.0, 0.0, 0.0)
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def _median(vals: Sequence[float]) -> float:
    s = sorted(vals)
    return s[len(s) // 2] if s else 0.0


def word_height(words: Iterable[Word]) -> float:
    """The median height of words (0.0 for none): the size of the text they are."""
    return _median([w.bbox[3] - w.bbox[1] for w in words])


LINE_APART = 0.75  # word heights between the middles of two words that are on two lines


def words_to_lines(words: Iterable[Word], *, max_gap: float | None = None) -> tuple[Line, ...]:
    """Group words into lines, top to bottom.

    Two words share a line when their vertical extents overlap by half the smaller
    height and their middles are less than `LINE_APART` of a word's height apart (a box
    OCR drew tall over two lines, 'Meningkatnya' over 'masyarakat', overlaps both). With
    `max_gap` (pixels), a horizontal gap wider than that starts a new line (separates
    columns of a page that has no rules).
    """
    ws = sorted(words, key=lambda w: (w.cy, w.bbox[0]))
    if not ws:
        return ()
    h_med = word_height(ws) or 1.0
    rows: list[list[Word]] = []
    for w in ws:
        placed = False
        for row in reversed(rows[-6:]):
            top = _median([x.bbox[1] for x in row])
            bot = _median([x.bbox[3] for x in row])
            wt, wb = w.bbox[1], w.bbox[3]
            ov = min(bot, wb) - max(top, wt)
            small = min(bot - top, wb - wt, h_med * 1.5)
            if (small > 0 and ov >= 0.5 * small  # (the middles' median only for a row it overlaps)
                    and abs(w.cy - _median([x.cy for x in row])) <= LINE_APART * h_med):
                row.append(w)
                placed = True
                break
        if not placed:
            rows.append([w])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda w: w.bbox[0])
        if max_gap is None:
            lines.append(Line(tuple(row)))
            continue
        cur = [row[0]]
        for w in row[1:]:
            if w.bbox[0] - cur[-1].bbox[2] > max_gap:
                lines.append(Line(tuple(cur)))
                cur = [w]
            else:
                cur.append(w)
        lines.append(Line(tuple(cur)))
    lines.sort(key=lambda ln: (ln.top, ln.left))
    return tuple(lines)


_HYPHEN_END = re.compile(r"(\w)-$")

# the small words that join the words around them: a text ends in one only when its
# last words are lost or went on to the next line; a title-cased text keeps them small
JOINING_WORDS = frozenset(
    "dan yang di ke dari untuk pada atau serta dengan dalam bagi oleh atas terhadap".split())


def join_lines(lines: Iterable[str]) -> str:
    """Join text lines into the contract's one-line form.

    A word hyphenated across a line break is joined ("pertanggung-" + "jawaban");
    a real compound keeps its hyphen when the next part starts with a capital or the
    first part is an acronym ("e-" + "Government", "PAW-" + "nya").
    """
    out = ""
    for raw in lines:
        s = clean_text(raw)
        if not s:
            continue
        if not out:
            out = s
            continue
        m = _HYPHEN_END.search(out)
        if m and not out.endswith(" -"):
            head = out[:-1].split(" ")[-1]
            if s[0].islower() and not head.isupper():
                out = out[:-1] + s
            else:
                out = out + s
        else:
            out = out + " " + s
    return out


_RULE_CHARS = re.compile(r"^[\s|_¦‖!]+|[\s|_¦‖]+$")
_SPACES = re.compile(r"\s+")
_INNER_BAR = re.compile(r"\s[|¦‖]\s")


def clean_text(s: str) -> str:
    """One line: stray table rules dropped, runs of spaces collapsed, ends trimmed."""
    s = _SPACES.sub(" ", s.replace("\u00a0", " ").replace("\u2014", "\u2013"))  # OCR reads – as —
    s = _INNER_BAR.sub(" ", s)
    s = _RULE_CHARS.sub("", s)
    return s.strip()
