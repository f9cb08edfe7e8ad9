"""Parsers for the values of an agreement: targets, Rupiah amounts, dates, enumerators.

Every parser is a pure function that never raises on any string: what it cannot
read it returns as None (and the caller flags it). Indonesian number conventions:
`.` groups thousands and `,` marks decimals (`12.285.690`, `84,84`); a `.` followed
by one or two digits at the end is a decimal point (`50.00`, `36.6`), as word
processors print it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .layout import clean_text

MONTHS = {
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11,
    "desember": 12,
}

# digits as OCR misreads them, inside something that is clearly a number
_DIGIT_LIKE = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "i": "1",
                             "|": "1", "!": "1", "]": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2",
                             "G": "6", "b": "6", "g": "9", "q": "9", "A": "4", "T": "7", "?": "7"})

_NUM = re.compile(r"\d+(?:[.,]\d+)*")


def parse_number(token: str) -> float | None:
    """An Indonesian-formatted number: '1.273.000.000,00' -> 1273000000.0; None if not one."""
    t = token.strip().strip("()")
    if not t or not re.fullmatch(r"\d[\d.,]*", t):
        return None
    t = t.rstrip(".,")
    if "," in t:
        whole, _, frac = t.rpartition(",")
        whole = whole.replace(".", "").replace(",", "")
        if not whole.isdigit() or not frac.isdigit():
            return None
        return float(f"{whole}.{frac}")
    parts = t.split(".")
    if len(parts) == 1:
        return float(parts[0])
    if all(len(p) == 3 for p in parts[1:]) and parts[0] and len(parts[0]) <= 3:
        return float("".join(parts))  # thousands groups
    if len(parts) == 2 and 1 <= len(parts[1]) <= 2:
        return float(f"{parts[0]}.{parts[1]}")  # a decimal point
    return None


def fix_digits(token: str) -> str:
    """Undo letter-for-digit confusions in a token that is mostly digits ('1O0%' -> '100%')."""
    core = token.rstrip("%")
    digits = sum(ch.isdigit() for ch in core)
    if digits == 0 or digits < len(core.replace(".", "").replace(",", "")) / 2:
        return token
    return core.translate(_DIGIT_LIKE) + token[len(core):]


def digit_like(token: str) -> bool:
    """A token made wholly of digits and letters OCR reads for digits ('S' for '5', 'O8')."""
    return bool(token) and token.translate(_DIGIT_LIKE).isdigit()


@dataclass(frozen=True, slots=True)
class ParsedTarget:
    value: float | None
    unit: str | None
    note: str = ""  # what the parser had to assume, for the audit trail
    qualitative: bool = False  # a target in words from a closed list (`QUALITATIVE`): no number to read


# targets that are no number: the audit opinions of the BPK (Wajar Tanpa Pengecualian,
# Wajar Dengan Pengecualian, Tidak Memberikan Pendapat, Tidak Wajar) and the grades of a
# SAKIP evaluation; only as printed, in capitals
QUALITATIVE = frozenset({"WTP", "WDP", "TMP", "TW", "AA", "A", "BB", "B", "CC", "C", "D"})


_MULTIPLIERS = {"ribu": 1e3, "rb": 1e3, "juta": 1e6, "jt": 1e6, "miliar": 1e9, "milyar": 1e9,
                "triliun": 1e12}
_PERCENT_WORDS = {"persen", "prosen", "percent", "prosentase", "persentase"}


def parse_target(raw: str) -> ParsedTarget:
    """A target cell: '100 %' -> (100, '%'); '10 Lembaga/ Instansi' -> (10, 'lembaga/instansi').

    The unit is '%' for a percentage ('%', 'persen'), the lower-case words after the
    number for a count, None for a bare number (an index, a score). An audit opinion or
    a grade ('WTP', 'BB') has no value and no unit, and is no failure to read.
    """
    text = clean_text(raw)
    if not text:
        return ParsedTarget(None, None, "empty")
    m = re.search(r"\d[\d.,]*", text)
    if not m:
        if text.rstrip(" .") in QUALITATIVE:
            return ParsedTarget(None, None, "a grade or an audit opinion", qualitative=True)
        return ParsedTarget(None, None, "no number")
    lead = text[: m.start()].strip()
    value = parse_number(m.group(0))
    rest = text[m.end():].strip()
    if value is None:
        return ParsedTarget(None, None, f"unreadable number {m.group(0)!r}")
    if rest.startswith("%") or re.match(r"^(persen|prosen)\b", rest, re.I) or lead.endswith("%"):
        return ParsedTarget(value, "%")
    mult = re.match(r"^(ribu|rb|juta|jt|miliar|milyar|triliun)\b\.?\s*", rest, re.I)
    if mult:
        value *= _MULTIPLIERS[mult.group(1).lower()]
        rest = rest[mult.end():]
    if re.search(r"(,|\bdan\b|\bserta\b|;)\s*\d", re.sub(r"\(.*?\)", " ", rest)):
        return ParsedTarget(None, None, "several quantities in one target")
    unit = unit_word(re.sub(r"\([^)]*\d[^)]*\)", " ", rest))  # "(1400 orang)" is not the unit
    return ParsedTarget(value, unit)


_BRACKETED_PERCENT = r"[29GSYy][6ceo]"  # the two halves of a '%': '(9c)', '(Ge)', '(Se)', '(26)', '/ Yo)'
PERCENT_MISREADS = re.compile(
    r"(?<=\d)\s?(Yo|YO|Y6|y6|%o|o/o|0/0|/o)(?=\W|$)|^(Yo|YO|Y6|%o|o/o|0/0)$"
    rf"|(?<=\()({_BRACKETED_PERCENT})(?=\))|(?<=/ )(9|{_BRACKETED_PERCENT})(?=\))"
)
"""How Tesseract's `ind` model reads a printed '%' (after a number, alone in a unit cell, or
as an indicator's unit in brackets: '(%)', '(prevalensi/ %)')."""


def fix_percent(text: str) -> str:
    """'95 Yo' -> '95%': undo the usual misreadings of a percent sign."""
    return PERCENT_MISREADS.sub("%", text)


def unit_word(text: str) -> str | None:
    """A unit as the contract writes it: '%' for a percentage, else lower case, '/' unspaced."""
    unit = re.sub(r"\s*/\s*", "/", clean_text(fix_percent(text))).strip(" .,:;-").lower()
    if not unit:
        return None
    if unit in _PERCENT_WORDS or unit == "%":
        return "%"
    return unit


_RP = re.compile(r"R\s*[pP]\s*\.?\s*", re.I)
_AMOUNT = re.compile(r"(?:R\s*[pP]\s*\.?\s*)?(\d{1,3}(?:[.,]\s?\d{3})+|\d{4,})(?:\s*[,.]\s*(?:-+|00|—))?\s*[-–—.]?")


_RP_GAP = re.compile(r"(R\s*[pP]\s*\.?\s*\d{1,3})\s(?=\d{3}[.,]\s?\d{3})")
"""A group's point lost after 'Rp' ('Rp. 7 110.097.000'): the gap is the point, as 'Rp'
leaves no other reading of the digits after it."""


def _amount_text(raw: str) -> str:
    return _RP.sub("", _RP_GAP.sub(r"\1.", clean_text(raw)).replace(" ", ""))


def parse_rupiah(raw: str) -> int | None:
    """A Rupiah amount: 'Rp 4.105.373.000,-' -> 4105373000; '1.273.000.000,00' -> 1273000000.

    Irregular grouping ('1.660453.975') is read as its digits; `rupiah_grouping_ok`
    tells whether the grouping was regular.
    """
    text = _amount_text(raw)
    m = re.match(r"(\d[\d.,]*?)(?:[.,](\d{2}|-+|—))?[-.,—]*$", text)
    if not m:
        return None
    digits = re.sub(r"[.,]", "", m.group(1))
    if not digits.isdigit():
        return None
    return int(digits)


def rupiah_grouping_ok(raw: str) -> bool:
    """True when the amount's digits are grouped by threes ('4.105.373.000')."""
    text = _amount_text(raw)
    return bool(re.match(r"^(\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d+)(?:[.,](\d{2}|-+|—))?[-.,—]*$", text))


def find_amount(line: str) -> tuple[int, int, int] | None:
    """The first Rupiah amount in a line: (amount, start, end), or None.

    An amount has 'Rp' before it or thousands groups (1.893.000); a bare small number
    (a row number, a year) is not an amount.
    """
    for m in _AMOUNT.finditer(_RP_GAP.sub(r"\1.", line)):  # one character for another: offsets hold
        text = m.group(0)
        has_rp = bool(re.match(r"R\s*[pP]", text, re.I))
        grouped = bool(re.search(r"\d[.,]\s?\d{3}", m.group(1)))
        if not (has_rp or grouped):
            continue
        amount = parse_rupiah(text)
        if amount is None or amount < 1000:
            continue
        return amount, m.start(), m.end()
    return None


@dataclass(frozen=True, slots=True)
class ParsedDate:
    iso: str | None  # YYYY-MM-DD when complete
    raw: str  # as printed, without leader dots
    year: int | None


def _month(word: str) -> int | None:
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    w = word.lower().strip(".,")
    if len(w) < 3:
        return None
    if w in MONTHS:
        return MONTHS[w]
    best = process.extractOne(w, list(MONTHS), scorer=Levenshtein.distance, score_cutoff=2)
    return MONTHS[best[0]] if best and len(w) >= 5 else None


def parse_date(raw: str) -> ParsedDate:
    """'15 Januari 2026' -> 2026-01-15; 'Januari 2016' and '........ 2016' stay raw."""
    text = clean_text(re.sub(r"[.…]{2,}|_{2,}", " ", raw))
    text = clean_text(text.strip(" ,.;:"))
    m = re.search(r"(\d{1,2})\s*[ .-]?\s*([A-Za-z]{3,})\s*[ .-]?\s*(\d{4})", text)
    if m:
        month = _month(m.group(2))
        day, year = int(m.group(1)), int(m.group(3))
        if month and 1 <= day <= 31:
            import datetime

            try:
                iso = datetime.date(year, month, day).isoformat()
            except ValueError:
                iso = None
            return ParsedDate(iso, text, year)
    y = re.search(r"(19|20)\d{2}", text)
    return ParsedDate(None, text, int(y.group(0)) if y else None)


BULLET_MARKS = "•·*▪●+«»“”„°>~"  # what OCR reads a printed bullet as (a dash aside; "~" a dash too)

_ENUM = re.compile(
    r"^\s*(?:(?P<letter>[A-Za-z])[.)]|(?P<roman>[IVX]{1,4})[.)]|(?P<num>\d{1,2}(?:\.\d{1,2})*|\d{1,2}(?:,\d{1,2})+(?=\.)|[lL|][l1|](?=[.)]))[.)]?"
    # a small bullet read as a period or a comma too; a dash with a speck after it
    rf"|(?P<bullet>[-–—]{{1,3}}[.,]?|[{BULLET_MARKS}o¢©®.,]))"
    r"(?:\s+|(?<=[.)])(?=[A-Z])|(?<=[-–—•·*▪●«»“”„°>])(?=[A-Z][a-z]))"
)


def split_enumerator(text: str) -> tuple[str, str]:
    """('A.', 'Program X') for 'A. Program X'; ('', text) when there is none."""
    m = _ENUM.match(text)
    if not m:
        return "", text.strip()
    return m.group(0).strip(), text[m.end():].strip()


def mark_of(word: str) -> str:
    """The list mark a word alone reads as ('2.', 'b.', '-'); '' when it reads as none."""
    return split_enumerator(word + " X")[0]


_BARE_LETTER = re.compile(r"^\s*(?:(?:[A-H]|[IVX]{1,4})\s*,?|\d{1,2}\s*,)\s+(?=[A-Z])")
# 'AL Program', 'AY Program': the period read as a mark that is not a small letter (or as 'l')
_LETTER_READ_ON = re.compile(r"^\s*([A-H])(?:[^\sa-z]|l)\s+(?=(?i:program)\b)")


def split_heading(text: str) -> tuple[str, str]:
    """`split_enumerator` for a section heading, whose letter may have lost its period
    to OCR or to a cell rule, or had it read as a comma or, before 'Program', as a
    capital, a digit or another mark ('A Program Dukungan', 'A, Program Dukungan', 'AL
    Program Dukungan' and 'AY Program Dukungan' are 'A. Program Dukungan'; 'Ada Program'
    is not)."""
    enum, body = split_enumerator(text)
    if enum:
        return enum, body
    m = _BARE_LETTER.match(text)
    if m:
        return m.group(0).strip(" ,") + ".", text[m.end():].strip()
    m = _LETTER_READ_ON.match(text)
    if m:
        return m.group(1) + ".", text[m.end():].strip()
    return "", text.strip()


def enumerator_kind(enum: str) -> str | None:
    """'letter', 'roman', 'number', 'bullet' or None."""
    m = _ENUM.match(enum + " ")
    if not m:
        return None
    for k in ("letter", "roman", "num", "bullet"):
        if m.group(k):
            return "number" if k == "num" else k
    return None


_NUM_START = re.compile(r"^[(\[]?\s*[\dOoIl|SB]{0,2}\d[\d.,]*\s*(%|[A-Za-z/ ]*)?")


def starts_value(text: str) -> bool:
    """True when a target cell line starts a new value ('100%', '4 Kegiatan'), not a unit word."""
    t = clean_text(text)
    return bool(t) and (t[0].isdigit() or bool(re.match(r"^[OIl|][\d.,%]", t)))
