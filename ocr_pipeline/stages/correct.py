"""Correction and audit: drafts become the contract's agreements, every doubt flagged.

For every row:

* the strategic goal and the indicator are matched against the catalogue (with the
  office's region as a slot). A clear match (score >= `accept` and ahead of the
  runner-up by `margin`) snaps the text to the canonical one, the document's own
  region kept, and sets `indicator_id`; a near match (score >= `doubt`) keeps the text
  as read and is flagged; anything else is "not in catalogue": kept as read, with
  word-level fixes only: a word that looks misread taken from a second reading at full
  resolution when that is a lexicon word (`words_read_again`), a word OCR was unsure
  of from the lexicon. The letters of people's names are never corrected (their
  punctuation is: `name_read_again`);
* the target is parsed; digit confusions inside numbers are undone; a value that is
  unreadable, read with low confidence, or implausible for its catalogue entry (unit,
  range) is read again from the cleaned image (several ways, by vote). A value still
  in doubt is flagged, never replaced by the catalogue's;
* every change is listed in the row's `corrections` (field, from, to, method, score).

Thresholds are calibrated on simulated scans (benchmarks/calibrate_catalogue.py).
"""

from __future__ import annotations

import difflib
import itertools
import logging
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from string import ascii_lowercase
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..catalogue import (
    SUFFIXES,
    Catalogue,
    Entry,
    Lexicon,
    guess_regions,
    load_catalogue,
    load_lexicon,
    regions_in,
)
from ..records import Agreement, Audit, BBox, BudgetLine, Correction, Party, Source, TargetRow, Value
from .documents import Draft, clean_name, core_name
from .layout import JOINING_WORDS, word_height, words_to_lines
from .rows import GOAL_NOUN, TARGET_IN_TEXT, RawRow, TextBox
from .values import (
    BULLET_MARKS,
    MONTHS,
    ParsedTarget,
    digit_like,
    fix_digits,
    fix_percent,
    mark_of,
    parse_rupiah,
    parse_target,
    rupiah_grouping_ok,
    split_heading,
    unit_word,
)

log = logging.getLogger(__name__)

Reader = Callable[[int, BBox, str], list[str]]
"""reread(page, bbox, kind) -> the texts of the readings of that region, read again.

`kind`: "text" (a doubtful target, read large), "digits" (the same, digits only),
"line" (a name, a cell's text: read at the page's full resolution), "alone" (a target
read with confidence: at full resolution by the first model of the run's languages)."""

ReadKey = tuple[int, tuple[float, ...], str]
"""A region to read again: (page, bbox, kind)."""


@dataclass(frozen=True, slots=True)
class ReviewSettings:
    """When a value is corrected and when it is flagged for a person."""

    min_conf: float = 0.60  # lowest OCR word confidence accepted without review
    accept: float = 90.0  # catalogue score that snaps a text to its entry
    margin: float = 5.0  # ... when this far ahead of the runner-up
    doubt: float = 75.0  # a near match below `accept`: kept as read, flagged
    section_accept: float = 85.0  # program and activity headings


@dataclass(frozen=True, slots=True)
class Knowledge:
    catalogue: Catalogue
    lexicon: Lexicon


def load_knowledge(corrections: Path | None, catalogue: Path | None = None) -> Knowledge:
    """The catalogue and lexicon of a corrections folder (empty when it does not exist)."""
    folder = Path(corrections) if corrections is not None else None
    cat = load_catalogue(catalogue if catalogue is not None else (folder or Path("corrections")))
    lex = load_lexicon(folder or Path("corrections"), cat)
    return Knowledge(cat, lex)


@cache
def _empty_knowledge() -> Knowledge:
    return Knowledge(Catalogue(()), Lexicon(()))


# --------------------------------------------------------------------------- helpers


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
    _, body = split_heading(text)
    return body.lstrip("-–• ").strip()


LEXICON_MAX_CONF = 0.70  # a word read with more confidence than this is left as read


def join_broken_words(text: str, lexicon: Lexicon) -> str:
    """Join a word a narrow cell broke without a hyphen ('Kelompok/Organi sasi').

    Joined when the lexicon knows the whole word and the lexicon or the dictionary does
    not know both of its halves ('kerja sama' is two words as printed, though the lexicon
    knows 'kerjasama': 10 truth rows of the development corpora).
    """
    parts = text.split(" ")
    out: list[str] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else ""
        head = re.split(r"[/-]", p)[-1].strip(".,;:()")
        tail = nxt.strip(".,;:()")
        if (head.isalpha() and tail.isalpha() and tail[:1].islower() and (head + tail).lower() in lexicon
                and not (lexicon.knows(head) and lexicon.knows(tail))):
            out.append(p + nxt)
            i += 2
            continue
        out.append(p)
        i += 1
    return " ".join(out)


# letters OCR takes for one another (at 150 dpi, on a faint or noisy scan)
_CONFUSED = (("i", "l"), ("l", "i"), ("a", "o"), ("o", "a"), ("n", "h"), ("h", "n"), ("c", "e"), ("e", "c"),
             ("e", "a"), ("a", "e"), ("rn", "m"), ("m", "rn"), ("in", "m"), ("ni", "m"), ("u", "n"),
             ("n", "u"), ("u", "ti"), ("i", "t"), ("t", "i"), ("t", "f"), ("f", "t"), ("n", "ri"),
             ("ri", "n"), ("h", "li"), ("li", "h"))


_NYA = ("nya",)  # a word of the dictionary with it is a word ('Tersebamya' -> 'Tersebarnya'); other
# endings make words of misreads ('menulai' -> 'manula' + 'i')


def confusion_fix(word: str, lexicon: Lexicon) -> str | None:
    """The one lexicon word that a word in no lexicon becomes when one of its letters is
    taken for the letter OCR confuses it with (`_CONFUSED`: 'Jumiah' -> 'Jumlah',
    'kelampok' -> 'kelompok', 'temak' -> 'ternak', though 'tamak' is Indonesian too); else,
    for a word the language's dictionary does not know either, the one word of either
    ('Intemet' -> 'Internet'); for a word of `TWICE_CONFUSED` letters or more, the one
    lexicon word two confusions make. None when there is none or more than one. Words of
    five letters or more, with small letters (capitals are confused otherwise)."""
    low = word.lower()
    if len(low) < 5 or not word.isalpha() or word.isupper() or low in lexicon:
        return None
    found = _confused_into(low, lexicon.__contains__)
    if not found and not lexicon.knows(low, _NYA):
        found = _confused_into(low, lambda w: lexicon.knows(w, _NYA))
    if not found and len(low) >= TWICE_CONFUSED and not lexicon.knows(low, _NYA):
        found = _twice_confused_into(low, lexicon.__contains__)
    return _match_case(found.pop(), word) if len(found) == 1 else None


TWICE_CONFUSED = 9  # a word this long may have two letters confused ('Peterriakari': 'Peternakan')


_AS_LETTERS = {"0": "o", "1": "li", "'": "il", "\u2019": "il", "`": "il"}  # read inside a word of letters


def marks_in_word(word: str, lexicon: Lexicon) -> str | None:
    """The one word the lexicon or the language's dictionary knows that a word of letters
    with a digit or a quote inside it becomes when each is taken for the letter OCR
    misread ('z00nosa' -> 'zoonosa', "Organ'sasi" -> 'Organisasi', 'ke1ompok' ->
    'kelompok'); None when there is none or more than one, or nothing to take."""
    spots = [i for m in re.finditer(r"(?<=[A-Za-z])[01'\u2019`]+(?=[a-z])", word) for i in range(*m.span())]
    if not spots or len(spots) > 3 or not re.fullmatch(r"[A-Za-z01'\u2019`]+", word):
        return None
    found = set()
    for letters in itertools.product(*(_AS_LETTERS[word[i]] for i in spots)):
        chars = list(word)
        for i, ch in zip(spots, letters, strict=True):
            chars[i] = ch
        cand = "".join(chars)
        if lexicon.knows(cand.lower(), _NYA):
            found.add(cand)
    return found.pop() if len(found) == 1 else None


def _twice_confused_into(low: str, known: Callable[[str], bool]) -> set[str]:
    """The known words that confusions at two places of `low`, apart, make."""
    spots = sorted((at, a, b) for a, b in _CONFUSED for at in range(len(low)) if low.startswith(a, at))
    found = set()
    for (p, a, b), (q, c, d) in itertools.combinations(spots, 2):
        if q >= p + len(a):
            cand = low[:p] + b + low[p + len(a):q] + d + low[q + len(c):]
            if known(cand):
                found.add(cand)
    return found


def _confused_into(low: str, known: Callable[[str], bool]) -> set[str]:
    found = set()
    for a, b in _CONFUSED:
        at = low.find(a)
        while at >= 0:
            cand = low[:at] + b + low[at + len(a):]
            if known(cand):
                found.add(cand)
            at = low.find(a, at + 1)
    return found


def lexicon_fix(box: TextBox, lexicon: Lexicon, field: str, exact: bool,
                protected: dict[str, str] | None = None) -> tuple[str, list[Correction]]:
    """Word-level fixes of free text from the lexicon.

    A word cut at a line break without a hyphen is joined (see `join_broken_words`),
    exact text too. Then, never in exact text (a born-digital text layer) and never in
    a word of the office's region or place (`protected`: 'Paser' is not 'pasar'):

    * by rule (method "rule"): a term the lexicon spells with capitals of its own takes
      them ('SIRUP' -> 'SiRUP', not in a text in capitals); a '!' inside a word is an
      'l', an 'I' in capitals; a word one confused letter away from a lexicon word is
      that word (`confusion_fix`);
    * from the lexicon (method "lexicon", for a person to check): a word OCR was unsure
      of (confidence below LEXICON_MAX_CONF), not an acronym nor a word of the language
      ('ketepatan' is not 'kesehatan'), becomes the one lexicon word close to it.

    A join of OCR text is recorded with method "lexicon" too (a space OCR put or a
    space the page has: a person checks it).
    """
    text = box.text
    protected = protected or {}
    if not text or len(lexicon) == 0:
        return text, []
    joined = join_broken_words(text, lexicon)
    if exact:  # the text is right; only the layout broke a word
        return joined, [] if joined == text else [Correction(field, text, joined, "rule")]
    conf = {w.text.strip(".,;:()"): w.conf for w in box.words}
    ruled: list[str] = []
    guessed: list[str] = []
    for p in joined.split(" "):
        core = p.strip(".,;:()")
        if core.lower() in protected:
            if protected[core.lower()] and core != protected[core.lower()]:
                p = p.replace(core, protected[core.lower()])  # the region as the header spells it
            elif core.islower() and len(core) >= 4 and core not in lexicon:  # a name: capitalised
                p = p.replace(core, core.capitalize())
            ruled.append(p)
            guessed.append(p)
            continue
        spelled = lexicon.spelled.get(core.lower())
        if spelled and core != spelled and not text.isupper():  # 'SIRUP' for the lexicon's 'SiRUP'
            p = p.replace(core, spelled)
        p = re.sub(r"(?<=[a-z])!(?=[a-z]|[^\w!]*$)", "l", p)  # 'operasiona!', 'Marjina!'
        p = re.sub(r"(?<=[A-Z])!(?=[A-Z]|[^\w!]*$)", "I", p)  # 'PROVINS!', 'PERJANJ!AN'
        now = p.strip(".,;:()")
        p = p.replace(now, marks_in_word(now, lexicon) or now)  # 'z00nosa', "Organ'sasi"
        now = p.strip(".,;:()")
        # each word of 'kelompok/organisasl', 'e-Govemment' on its own
        meant = "".join(confusion_fix(part, lexicon) or part for part in re.split(r"([/-])", now))
        if meant != now:
            p = p.replace(now, meant)
        ruled.append(p)
        now = p.strip(".,;:()")
        if (now.isalpha() and len(now) >= 4 and not now.isupper() and not lexicon.knows(now)
                and conf.get(core, 0.0) < LEXICON_MAX_CONF):  # a word of the language is no misread
            got = lexicon.closest(now)
            if got is not None:
                p = p.replace(now, _match_case(got[0], now))
        guessed.append(p)
    fixes = []
    steps = [(text, "lexicon"), (joined, "rule"), (" ".join(ruled), "lexicon"), (" ".join(guessed), "")]
    for (before, how), (after, _) in zip(steps, steps[1:]):
        if after != before:
            fixes.append(Correction(field, before, after, how))
    fixed = steps[-1][0]
    # a lone dash after a word in small letters or a comma, or before one, is noise read off a
    # justified line or a rule ('Meningkatnya – Kapasitas', 'masyarakat, – pendidikan', 'TIK –
    # terhadap'; no truth text has a lone dash before a small word), but between two
    # forms of one stem ('Perundang – Undangan'); a lone period between lower-case words, a
    # lone '=' or '~' between words, a lone period, dash or bullet at the end, specks; a period
    # between lower-case words is a comma ('cepat. tepat'); a bracket has a space before it
    new = re.sub(r"(?<=[a-z]) \. (?=[a-z])", " ", fixed)
    new = re.sub(r"(\S+) [-–—] (?=(\w+))", lambda m: m.group(0) if not (re.search(r"[a-z,]$", m.group(1))
                                                                       or m.group(2)[:1].islower())
                 or _one_stem(m.group(1), m.group(2)) else m.group(1) + " ", new)
    new = re.sub(r"(?<=[a-z])\. (?=[a-z])", ", ", new)
    new = re.sub(r"(?<=\w) [=~^|_»«+]+ (?=\w)", " ", new)
    new = re.sub(r"(?<=[A-Za-z])\((?=[\w%])", " (", new)  # 'SNI(%)': the space before a bracket lost
    new = re.sub(r"(?<=\w) (?=\))|(?<=\() (?=\w)", "", new)  # '(Uptime )': no space inside brackets
    new = re.sub(rf"(?<=[\w)]) [.=~^|_{BULLET_MARKS}\-–—]$", "", new)  # a bullet's speck too
    if new != fixed:
        fixes.append(Correction(field, fixed, new, "rule"))
    return new, fixes


def _one_stem(a: str, b: str) -> bool:
    """Two forms of one stem: the second opens with four letters or more of the first
    ('Perundang', 'Undangan'; not 'sarana', 'pemasaran')."""
    m = difflib.SequenceMatcher(a=a.lower(), b=b.lower(), autojunk=False)
    common = m.find_longest_match(0, len(a), 0, len(b))
    return common.size >= 4 and common.b == 0


_GOAL_VERBS = frozenset({"mewujudkan", "meningkatkan"})  # the verbs goals open with (not inside them)


def two_goals(goal: str | None) -> str | None:
    """Why a goal may be two goals read as one: a second word that opens a goal
    ('Meningkatnya', 'Terwujudnya', 'Terkendalinya': me-, ter-, ber- and -nya; 'Mewujudkan',
    'Meningkatkan'), capitalised, not joined to the first by 'dan', 'serta', 'atau' or a
    comma; or a word that opens an indicator, capitalised, inside it ('Persentase', 'Indeks':
    an indicator read into the goal's cell). None when not."""
    words = (goal or "").split()
    for prev, word in zip(words, words[1:]):
        w = word.strip(".,;:()")
        opens = w.lower() in _GOAL_VERBS or bool(GOAL_NOUN.fullmatch(w))
        if (w[:1].isupper() and opens
                and prev.lower() not in ("dan", "serta", "atau") and not prev.endswith(",")):
            return f"{w!r} inside the goal may open a second goal read into it"
    inside = _INDICATOR_INSIDE.search(goal or "")
    if inside:  # no truth goal has one: an indicator's text read into the goal's cell
        return f"{inside.group(1)!r} inside the goal opens an indicator: an indicator's text read into it?"
    return None


_INDICATOR_INSIDE = re.compile(r"\s(Persentase|Prosentase|Presentase|Indeks|Rasio|Ratio|Rata-rata)\b")


def small_start(text: str | None) -> str | None:
    """Why a text that starts with a capital when printed whole (a strategic goal, a
    budget line's name: none of the simulated or real truth starts small) may have lost
    its beginning: it starts with a small letter ('keuangan dengan baik'). None if not."""
    if text and text[:1].islower():
        return f"{text!r} starts with a small letter: its beginning may be lost (or read into the row above)"
    return None


_ITEM_INSIDE = re.compile(rf"\s(?:[-–{re.escape(BULLET_MARKS)}]|[a-h][.)])\s+[A-Z][a-z]")


def lone_item(indicator: str | None, parent: str | None) -> str | None:
    """Why an indicator may be a list's item whose heading was lost: a word or two, the
    second in small letters ('Itik', 'Sapi potong'), under no heading (of the 3,587 rows of
    the truth files with no heading none is so; 190 items under one are one word). None if not."""
    words = (indicator or "").split()
    if parent or not words or len(words) > 2 or (len(words) == 2 and not words[1].lstrip("(")[:1].islower()):
        return None
    return f"{indicator!r} under no list heading: a list's item whose heading was lost?"


def items_inside(indicator: str | None) -> str | None:
    """Why an indicator may be several rows read as one: it holds list items ('... (aplikasi)
    - Aplikasi kepegawaian - Aplikasi layanan publik', 'a. Daging b. Susu'; no indicator
    of the truth files does). None if not."""
    m = _ITEM_INSIDE.search(indicator or "")
    if m is None:
        return None
    return (f"the indicator holds list items ({m.group(0).strip()!r}...): they may be rows of their own, "
            "each with its own target")


_AFTER_JOINING = re.compile(rf"\b(?:{'|'.join(sorted(JOINING_WORDS))})[,.;:](?=\s)")
_REDUPLICATED = re.compile(r"\b(?:per|pe|ke|se|ber|ter|di|me|mem|men|meng)([a-z]{4,})\b \1[a-z]*\b", re.I)
_LOOSE_MARKS = re.compile(r"\s[.,;:~*'\"`^_|\\/“”‘’–—-]+(?:\s+[.,;:~*'\"`^_|\\/“”‘’–—%-]+)*$")


def odd_marks(text: str | None) -> str | None:
    """Why a text (of a row: program, activity, goal, indicator, its list's heading, a
    budget line's name; a header value) may hold a mark read as letters or have lost one:
    a bracket opened and not closed (or the other way round), a word twice in a row
    ('Kepala Kepala'), one or two letters or a number before a word at its start ('DI
    Jumlah', 'N Pelayanan', 'll Persentase', '2 Terwujudnya', '141. Jumlah', 'Bl, jumlah',
    't5.1. Jumlah': the speck of a bullet or a stamp, a list number left or misread), a
    first word in small letters before capitalised ones ('jumlah Publikasi Ringkasan': a capital
    misread), a lone mark between words ('Manusia . Sekretariat'), two marks in a row
    ('Partisipasi,.', '(prevalensi %%)', 'Meningkatnya –– mediasi'), a mark after a goal's
    first word ('Meningkatnya, prestasi'), a period after a word of six letters or more with text after it
    ('Pemula. Kelompok', 'Keuangan. Umum') or after an acronym before a capitalised word
    ('KPU. Provinsi'), an underscore or capitals after two small letters in a word
    ('___integritas', 'ZooNOSA'), two words run together ('KabupatenKota'), a sign at its
    start or on a word ('& Domba', '> Teknis', '# Sapi perah',
    '#viegritas': a bullet or a letter misread), one or two digits in brackets or after a
    slash or a colon before one, a '%' after them or not ('SNI (0)', 'SNI (20) :', 'SNI (v6)',
    '/ 90)', ': 20)',
    'SNI (9%)': a '%'), a quote before small letters ("'ayanan"), a digit or a quote inside
    a word ('z00nosa'), a space
    before a slash between words ('kelompok /organisasi'),
    a colon between words ('Organisasi: Kepemudaan'), the two forms of a doubled word
    without the dash between them ('Perundang Undangan'), loose marks at its end
    ('Dilaksanakan : .', 'Paser ~*'; but a list's heading ends in ' :'), a lone letter
    at its end ('Peternakan H'), or a last word that joins ('... Kelompok Rentan, dan':
    the rest of the text lost or taken for the next line's). No truth text but names has
    any of these, but for two real ones printing a space before a slash and two real ones
    printing two words as one. None when none of these."""
    if not text:
        return None
    if text.count("(") != text.count(")"):
        return f"a bracket is not closed in {text!r}: a mark may be lost or misread"
    twice = re.search(r"\b(\w{3,}) \1\b", text, re.I)
    if twice:
        return f"{twice.group(0)!r}: a word read twice (two readings of one line mixed?)"
    m = re.match(r"^([A-Za-z]{1,2}[.,]?|[A-Za-z]?\d[\d.,]*) (?=[A-Za-z][a-z])", text)
    if m and not text.isupper():
        return f"{m.group(1)!r} before {text[m.end():].split()[0]!r} may be a mark read as letters"
    if re.match(r"^[a-z]+ [A-Z][a-z]", text) and text.split()[0] not in JOINING_WORDS:  # 'dan X': text lost
        return f"{text.split()[0]!r} in small letters before capitalised words: its capital may be misread"
    opener = re.match(r"(?:Me|Ter|Ber)[a-z]{3,}nya[.,;:](?=\s)", text)
    if opener:  # 'Meningkatnya, prestasi': no goal's first word has a mark after it
        return f"{opener.group(0)!r}: a mark after the first word: a speck?"
    marks = re.search(r"\w(?:[,;:]\s*[.,;:]|\.\s*[,;:]|\.\.\s)|\w [.,;] \w|%\s*%|\s[-–—]{2,}\s", text)
    if marks:  # 'Partisipasi,. Hubungan', 'Pemula.. Kelompok', 'Manusia . Sekretariat', '%%', '––': a speck
        return f"{marks.group(0).strip()!r}: two marks in a row, or a lone one between words: a speck?"
    stop = re.search(r"[^\W\d_]{6,}\.\s*\S|\b[A-Z]{2,}\.\s+[A-Z][a-z]", text)
    if stop:  # a goal, an indicator shortens words of up to 5 letters only ('Prov.', 'Kab.'), and
        # an acronym only in capitals ('KEPALA BP. TAMAN BUDAYA', not 'Sekretaris KPU. Provinsi')
        return f"{stop.group(0)!r}: a period inside the text may be a misread comma or speck"
    odd = re.search(r"\S*(?:_|[a-z]{2,}[A-Z]{2,})\S*", text)
    if odd:  # no truth text has an underscore, nor capitals after small letters ('SiRUP' is one small)
        return f"{odd.group(0)!r}: an underscore, or capitals after small letters: letters misread?"
    joined = re.search(r"\b[A-Za-z]?[a-z]{3,}[A-Z][a-z]{3,}\b", text)
    if joined:  # two words run together ('KabupatenKota' for 'Kabupaten/Kota'; 2 real truth texts print it)
        return f"{joined.group(0)!r}: two words as one: a mark or a space between them lost?"
    number = re.search(r"[(/:] ?[a-z]?\d\d? ?%?\)|\s[29GSYy][6ceo]\)", text)
    if number:  # no truth text brackets a number; '(%)' reads '(0)', '(20)', '(96)', '(v6)', '/ 90)', '(9%)',
        # and '/ %)' its two halves after a word ('(prevalensi Ye)')
        return (f"{number.group(0).strip()!r}: a number in brackets, or a pair of letters, "
                "may be a misread '%'")
    joining = _AFTER_JOINING.search(text)
    if joining:  # a mark after 'untuk', 'dan', 'yang' ... inside a text: a speck ('untuk, kelompok')
        return f"{joining.group(0)!r}: a mark after a joining word: a speck?"
    if re.search(r"(?:^|\s)['`‘’][a-z]", text):  # no truth text either: "'ayanan" for 'layanan'
        return f"a mark before a word's small letters in {text!r}: a misread letter?"
    later = [w for w in text.split()[1:] if w[:1].isalpha()]
    big = [w for w in later if not w[:1].islower()]  # 'peran Organisasi kepemudaan': c o s v w x z, alike
    if len(big) == 1 and len(later) >= 3 and re.fullmatch(r"[COSVWXZ][a-z]{3,}[.,;:]?", big[0]):
        return f"{big[0].strip('.,;:')!r} capitalised among small words: its case may be misread"
    sign = re.search(r"(?:^|\s)[#@*$]\S*|^[&<>«»]\s*\S*", text)  # (inside a word: `unreadable`)
    if sign:  # no truth text either: a bullet read '&' or '#' ('& Domba'), a letter read '#' ('#viegritas')
        return f"{sign.group(0).strip()!r}: a sign where a bullet or a letter was: misread?"
    inside = re.search(r"\S*[A-Za-z][\d'`‘’]+[a-z]\S*", text)
    if inside:  # nor a digit or a quote inside a word ('z00nosa', "Organ'sasi") no dictionary put right
        return f"{inside.group(0)!r}: a digit or a mark inside a word: a misread letter?"
    twin = _REDUPLICATED.search(text)
    if twin:  # a word said twice, its second time with affixes, is hyphenated: 'Perundang-undangan'
        return f"{twin.group(0)!r}: the dash between the two forms of one word may be lost"
    slash = re.search(r"[a-z]+ /[A-Za-z]+", text)
    if slash:  # Tesseract spaces a slash ('kelompok /organisasi'); two real truth texts print it so
        return f"{slash.group(0)!r}: a space before the slash: as printed?"
    colon = re.search(r"\w+: ?[A-Za-z]\w*|\b[a-z]+ : [a-z]+", text)
    if colon:  # nor a colon inside it ('Organisasi: Kepemudaan', 'organisasi : kepemudaan': a speck;
        # a heading's ends it; 'GDR : Gross' is printed)
        return f"{colon.group(0)!r}: a colon inside the text may be a speck"
    loose = _LOOSE_MARKS.search(text)
    if loose and loose.group(0).strip() != ":":
        return f"{loose.group(0).strip()!r} at the end: specks read as marks"
    lone = re.search(r"[a-z]{3,} ([A-HJ-UWYZa-z])$", text)
    if lone:  # no truth text ends in a lone letter but a Roman numeral: a mark or a speck read so
        return f"{lone.group(1)!r} alone at the end: a mark or a speck read as a letter?"
    last = text.split()[-1].strip(".,;:").lower() if text.split() else ""
    if last in JOINING_WORDS:
        return f"ends with {last!r}: its last words may be lost, or read into the next line"
    return None


LONG_WORD = 6  # a word this long in small letters that no list knows is a misread one
LIKE_KNOWN = 80.0  # ... capitalised, when this like a lexicon word (fuzz.ratio): names are not
PREFIXES = ("di", "ter", "ber", "se", "ke")  # Indonesian beginnings a known word takes


def _prefixed(word: str, lexicon: Lexicon) -> bool:
    """A known word of five letters or more after a prefix ('disertifikat')."""
    return any(word.startswith(p) and len(word) - len(p) >= 5 and lexicon.knows(word[len(p):], SUFFIXES)
               for p in PREFIXES)


STEM = 7  # the fewest letters of a stem so compared (a shorter one is like too many words)
AFFIXED = (3, 2)  # a suffix's letters ('-kan', '-nya'; '-an') a misread word's stem is looked for without


def _stem_near(word: str, lexicon: Lexicon) -> bool:
    """Whether a word after a prefix, less a suffix's letters, is like a lexicon word
    ('Dimutaknirkar': 'mutaknir', like 'mutakhir'): a known word with affixes, misread."""
    return any(word.startswith(p) and len(stem := word[len(p):len(word) - k]) >= STEM
               and lexicon.near(stem, LIKE_KNOWN) for p in PREFIXES for k in AFFIXED)


def _acronym_of(word: str, lexicon: Lexicon) -> str | None:
    """The acronym of the domain's lexicon that an acronym of three capitals no list knows
    becomes when one of its letters is another ('SOM': 'SDM'). Longer acronyms are not
    judged: the real agreements print ones no list has a letter apart (AKDP, ASDP)."""
    w = word.lower()
    if len(w) != 3 or not w.isascii() or not w.isalpha() or lexicon.knows(w) or w in lexicon.foreign:
        return None
    return next((c.upper() for i in range(len(w)) for ch in ascii_lowercase if ch != w[i]
                 if (c := w[:i] + ch + w[i + 1:]) in lexicon.words), None)


def non_word(text: str | None, lexicon: Lexicon, protected: dict[str, str] | None = None) -> str | None:
    """Why a text may hold a misread letter: a word neither the lexicon nor the language's
    dictionary knows, a letter away from words they do ('menulai': 'menilai', 'menular';
    'Ketompok': 'kelompok'; OCR misreads a letter as another with confidence, and the
    rules fix only the one word a confusion makes); or a short word that neither knows,
    in small letters of one letter or of three or four, or capitalised of three or four
    and not shortened with a period ('Opm' for 'Opini') (the dictionary lists words of three
    letters or more; a word of two may be an abbreviation, 'se', 'jo.', English 'to'; a
    letter before a dash opens a compound, 'e-Government'); or a period after a word of
    five letters that they know, inside the text ('Hasil. Ternak': shortened words, 'Prov.',
    'Kab.', are shorter; `odd_marks` takes longer words); or a word they do not know and
    the word in small letters after it, which together are a letter away from a word they
    know ('Siati stik': 'statistik' read in two pieces, one letter misread); or a word of
    six letters or more in small letters that they do not know ('berkelanjntati',
    'acthoc': letters misread more than one away from a word), or capitalised and like a
    lexicon word ('Meningkamya', 'Marjnai'; a place's name is like none: 5 truth rows of
    10216 fire, each a misprint but one); or a word of six letters or
    more in capitals after one in small letters, which they know ('dan ZOONOSA': the letters
    of `c o s v w x z` look alike in both cases; an acronym is shorter). Not an acronym, nor
    the office's region or place. None if no word is such."""
    parts = (text or "").split()
    for prev, part, nxt in zip(["", *parts], parts, [*parts[1:], ""], strict=False):
        core = part.strip(".,;:()'\"")
        if (len(core) >= LONG_WORD and core.isalpha() and core.isupper() and prev[:1].islower()
                and not nxt[:1].isupper() and lexicon.knows(core)):
            return f"{core!r} in capitals among small letters: OCR may have misread their case"
        pieces = re.split(r"[/-]", core)
        a, b = pieces[-1], nxt.strip(".,;:()'\"")
        if (a.isalpha() and not a.isupper() and b.isalpha() and b.islower()
                and a.lower() not in (protected or {}) and not lexicon.knows(a, SUFFIXES)
                and (whole := lexicon.misread_of(a + b))):
            return (f"{a + ' ' + b!r} is a letter away from {whole[0]!r}: a word read in two pieces, "
                    "a letter misread?")
        if re.fullmatch(r"[^\W\d_]{5}\.", part) and nxt[:1].isalpha() and lexicon.knows(part[:-1]):
            return f"{part!r}: a period after a whole word inside the text may be a speck"
        long = None  # a long word no list knows, said after the checks above and below
        for piece in pieces:
            if piece.lower() in (protected or {}):
                continue
            if piece.isupper():
                near = _acronym_of(piece, lexicon)
                if near:
                    return (f"{piece!r} is an acronym no list knows, a letter away from {near!r}: a letter "
                            "may be misread")
                continue
            near = lexicon.misread_of(piece)
            if near:
                return (f"{piece!r} is in neither the lexicon nor the dictionary, a letter away from "
                        f"{', '.join(map(repr, near[:3]))}: a letter may be misread")
            low = piece.lower()
            if (long is None and len(piece) >= LONG_WORD and piece.isascii() and piece.isalpha()
                    and (piece.islower() or (piece[1:].islower() and (lexicon.near(piece, LIKE_KNOWN)
                                                                      or _stem_near(low, lexicon))))
                    and not lexicon.knows(low, SUFFIXES) and low not in lexicon.foreign
                    and not _prefixed(low, lexicon)):
                long = piece
        small = len(core) in (1, 3, 4) and core.islower()
        capital = len(core) in (3, 4) and core[0].isupper() and core[1:].islower() and not part.endswith(".")
        if (small or capital) and core.isascii() and core.isalpha() \
                and not lexicon.knows(core, SUFFIXES) and core.lower() not in (protected or {}):
            return f"{core!r} is a word no dictionary knows: a letter may be misread ('chor' for 'ekor')"
        if long is not None:
            return f"{long!r} is a long word no dictionary knows: letters may be misread"
    return None


def name_punctuation(name: str) -> str:
    """The comma after a degree's period, which OCR reads as a second period.

    Names carry degrees as 'NURLELA ST.,MM' or 'SH., MM'; a doubled period inside a
    name is always that comma ('ST..MM', 'SH.. MM'), never an ellipsis, and periods
    after the last degree's are a dotted line's ('S.Kom...'). The titles before a name
    ('Dr.', 'H.', 'drh.') end with a period, which OCR reads as a comma ('Dr. H,
    Khairul'). A period after a word of five letters or more before a word of letters
    alone is a speck ('Rizal. Fahlevi': a title or degree is shorter; before a
    degree it stands for a comma, 'SOLIHAT. M.Hum', and stays). Only the punctuation
    changes: the letters of a name are never corrected.
    """
    name = re.sub(r"(?<=\w)\.\.(?=\s*\w)", ".,", name)
    name = re.sub(r"(?<=\w\.)\.+$", "", name)  # 'S.Kom...': a dotted line after the last degree
    name = re.sub(r"(?<=[^\W\d_]{5})\.(?=\s+[^\W\d_]+(?:[\s,]|$))", "", name)
    return _FRONT_TITLES.sub(lambda m: m.group(0).replace(",", "."), name)


# titles before a name, the last of them read with a comma for its period
_TITLE = r"(?:Dr|drh|Drs|Dra|Ir|H|Hj|Prof)"
_FRONT_TITLES = re.compile(rf"^(?:{_TITLE}[.,]\s*)*{_TITLE},(?=\s*[A-Z])", re.I)


SAME_NAME = 80.0  # two readings this alike (letters only) are of one name: flag the difference
SAME_PRINTED = 70.0  # ... a printing under a signature (read apart, at the scan's worst) this alike
SAME_AT_FULL = "read again at full resolution"  # how a name read alike at full resolution is taken


def _full_reading(box: TextBox, ctx: _Ctx, value: bool = False) -> str | None:
    """A header value read again at the page's full resolution, its ends cleaned (a
    `value`, a number with its unit: as read); None when there is nothing to read again
    (exact text, no images)."""
    if ctx.exact or ctx.reader is None or box.bbox is None or box.page is None:
        return None
    x0, y0, x1, y1 = box.bbox
    # the marks at the ends the first reading left out
    reach = (word_height(box.words) if box.words else y1 - y0) / 2
    again = next(iter(ctx.reader(box.page, (x0 - reach, y0, x1 + reach, y1), "line")), None)
    if again is None or value:
        return again
    again = clean_name(again)
    if box.text[:1].isalnum():  # a mark left of the value (the label's colon) is not of it
        again = again[next((i for i, ch in enumerate(again) if ch.isalnum()), 0):]
    return again


def punctuation_read_again(box: TextBox, ctx: _Ctx) -> str:
    """A header value with the punctuation of a full-resolution reading of it, when the
    two readings have the same letters ('Keuangan. Umum' -> 'Keuangan, Umum'), and a
    comma between words that either reading shows.

    At OCR resolution commas are often read as periods and small marks lost; the
    letters are kept as first read.
    """
    again = _full_reading(box, ctx)
    if again is None or _letters(again) != _letters(box.text):
        return box.text
    if again.count(":") > box.text.count(":"):  # a colon only the full resolution shows is not taken
        return box.text  # (a speck: 'Daya : Manusia'; or a label: `colon_at_full` doubts the value)
    end = len(box.text) - len(box.text.rstrip(".,;:"))  # the ends as first read ('Utara.' at full size)
    again = again.rstrip(".,;:") + box.text[len(box.text) - end:]
    # between words a comma either reading shows stands ('Perencanaan, Data' read
    # 'Perencanaan. Data' at full resolution): a period there is the usual misread of a
    # comma, and doubted (`_header_doubts`)
    commas = {_letters(box.text[:m.start()]) for m in re.finditer(r",(?=\s)", box.text)}
    return re.sub(r"\.(?=\s)", lambda m: "," if _letters(again[:m.start()]) in commas else ".", again)


def colon_at_full(box: TextBox, ctx: _Ctx) -> str | None:
    """Why a header value may be two lines read as one: its full-resolution reading shows a
    colon between words that the first reading does not (a label's: 'GUBERNUR, :
    Transmigrasi Provinsi Jawa Barat', the first party's position's last line joined to
    the second's; or a speck: 'Sumber Daya : Manusia'). None when it does not."""
    again = _full_reading(box, ctx)
    if again is None or again.count(":") <= box.text.count(":"):
        return None
    words = {w.strip(".,;:").casefold() for w in box.text.split()}
    # between two words of the value (not a label's colon the reading reached: 'Jabatan : KEPALA')
    pairs = [(m.group(1), m.group(2)) for m in re.finditer(r"(\S+) ?: ?(\S+)", again)]
    if not any(all(w.strip(".,;:").casefold() in words for w in pair) for pair in pairs):
        return None
    return f"read at full resolution with a colon inside ({again!r}): two lines read as one, or a speck?"


def name_read_again(box: TextBox, ctx: _Ctx, printed: Sequence[TextBox] = ()) -> tuple[str, str, str | None]:
    """A person's name with the punctuation of its degrees as the page shows it: (name,
    how it was corrected, a doubt for a person or None).

    A doubled period in a name is the comma after a degree's period (`name_punctuation`).
    The name is read again at the page's full resolution: when the two readings have
    the same letters, the second one's punctuation is kept ('MA' -> 'MA.'; a period
    at the end that only the first shows stays; a space between letters that only
    the first shows keeps the first, and so does one that only the second shows when
    the name printed under a signature has the first's words). When their letters
    differ a little, the second reading is taken if the name as `printed` elsewhere
    (under the signatures) repeats it letter for letter and does not repeat the first;
    else the first reading stays and the name is flagged with both. (A printing that repeats the
    first reading decides nothing: it was read at the same resolution as the first,
    and small letters lost there are lost alike: 'An Rahmawati' twice for 'Ani'.)
    The letters of a name are never changed but to another reading of the page.
    """
    text, how = name_punctuation(box.text), "rule"
    again = _full_reading(box, ctx)
    if again is None:
        return text, how, None
    again = name_punctuation(again)
    if text.endswith(".") and not again.endswith("."):  # a small mark is lost more often than made
        again += "."
    letters = _letters(text)
    if _letters(again) == letters:
        words = _name_words(text)
        if len(_name_words(again)) < len(words):  # 'SITIAMINAH'
            return text, how, None
        if len(_name_words(again)) > len(words) and words in [_name_words(b.text) for b in printed]:
            return text, how, None  # 'FIRMANS YAH' at full resolution, 'FIRMANSYAH' under the signature
        return again, SAME_AT_FULL, None
    if letters and fuzz.ratio(_letters(again), letters) >= SAME_NAME:
        under = {_letters(b.text) for b in printed}
        if _letters(again) in under and letters not in under:
            return again, "read again at full resolution, as printed under a signature", None
        return text, how, f"read two ways: {text!r} and, at full resolution, {again!r}"
    return text, how, None


def odd_in_name(name: str) -> str | None:
    """Why a person's name may hold a misread letter: a mark no name prints (names are
    letters, spaces, periods, commas, apostrophes and dashes: 'AND!' for 'ANDI', a digit
    for a letter), under three letters in all (a mark or a scrawl read as a name: 'Ed.'),
    or a last degree of one letter ('SAPUTRA, M.': no degree is, the rest of 'M. Ed.'
    went on to the next line), or a title before it without its period ('Ir Laode').
    None if none."""
    odd = sorted(set(re.sub(r"[^\W\d_]|[\s.,'`’-]", "", name)))
    if odd:
        return f"{''.join(odd)!r} in a name: a letter misread?"
    if sum(ch.isalpha() for ch in name) < 3:
        return f"{name!r} is too short for a person's name: a mark read as one?"
    if re.search(r",\s*[^\W\d_]\.$", name.strip()):
        return f"{name!r} ends in a degree cut short: its rest may be on the next line"
    bare = re.match(rf"^{_TITLE}(?=\s+[A-Z])", name.strip())
    if bare:  # 'Ir Laode': its period lost (one name of the truth files' 224 with a title prints none)
        return f"{bare.group(0)!r} before the name without its period: lost, or as printed?"
    return None


def _name_words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W_]+", name)]


def _printed_otherwise(name: str, printed: Sequence[TextBox]) -> str | None:
    """A doubt when the name is printed under a signature as another name that is like it
    ('Gktaviam Runibiak' against 'Oktaviani Rumbiak', 'Rumbiak' against 'Oktaviani
    Rumbiak'): one of the two printings is misread. None when a printing gives it, or
    none is like it (a signature's scrawl read as letters decides nothing)."""
    core = core_name(name)
    cores = [(b.text, core_name(b.text)) for b in printed if b.text]
    if not core or not cores or any(c == core for _, c in cores):
        return None
    for text, c in cores:
        if fuzz.ratio(c, core) >= SAME_PRINTED or (len(core) >= 4 and core in c):
            return f"printed as {text!r} under a signature: one of the two is misread"
    return None


def _read_alike_elsewhere(name: str, box: TextBox, printed: Sequence[TextBox], ctx: _Ctx) -> bool:
    """Whether the full-resolution reading of a name and its printing under a signature
    both give the name's letters: two other views agree on it, so a low confidence of
    its first reading is no doubt (the marks of a stamp over it are not printed
    elsewhere, while both resolutions of one crop read them alike)."""
    again = _full_reading(box, ctx)
    letters = _letters(name)
    return (again is not None and _letters(name_punctuation(again)) == letters
            and letters in {_letters(b.text) for b in printed})


SUSPECT = 75.0  # a word in no lexicon this like a lexicon word (fuzz.ratio) may be misread
SAME_WORD = 50.0  # ... and the second reading's word must be this like it to replace it
SAME_TEXT = 80.0  # a second reading this like the first (whole text) is evidence on its words


def periods_read_again(box: TextBox, field: str, ctx: _Ctx) -> tuple[TextBox, list[Correction], list[str]]:
    """A period after a word, between two words in small letters ('cepat. tepat', which
    `lexicon_fix` makes a comma) or at the end, read again at full resolution with its
    words: a period the second reading does not show is OCR's, read into a justified
    line's wide gap ('masyarakat. dalam') or off a speck ('... KPU Kota Samarinda.'), and
    goes; one it shows stays (some offices end their goals with a period); one between
    words it shows as neither a comma nor nothing, or that it cannot read, is a doubt.
    Not a list's letter ('a. perencanaan'). Of the text, the box, its corrections and doubts."""
    if ctx.exact or ctx.reader is None or box.page is None or not box.words:
        return box, [], []
    fixes: list[Correction] = []
    doubts: list[str] = []
    for w, nxt in zip(box.words, [*box.words[1:], None], strict=True):
        end = nxt is None
        if not (re.search(r"[^\W\d_]\.$", w.text) if end else
                re.search(r"[a-z]{2}\.$", w.text) and nxt.text[:1].islower() and nxt.line == w.line):
            continue
        span = [w] if end else [w, nxt]
        pair = " ".join(v.text for v in span)
        at = box.text.rfind(pair) if end else box.text.find(pair)
        if at < 0 or (end and at + len(pair) != len(box.text)):  # not side by side in the text
            continue
        below = (w.bbox[3] - w.bbox[1]) / 4  # a comma's tail
        region = (w.bbox[0], min(v.bbox[1] for v in span), span[-1].bbox[2] + below,
                  max(v.bbox[3] for v in span) + below)
        again = " ".join(next(iter(ctx.reader(box.page, region, "line")), "").split())
        word = w.text[:-1]
        then = r"\s*$" if end else rf"\s+{re.escape(nxt.text.strip('.,;:()'))}\b"
        m = re.search(rf"\b{re.escape(word)}\s*([^\w\s]*){then}", again, re.I)
        mark = m.group(1) if m else None
        if mark == "":
            text = box.text[:at] + word + box.text[at + len(w.text):]
            fixes.append(Correction(field, box.text, text, "reocr"))
            box = replace(box, text=text)
        elif mark != ("." if end else ","):
            doubts.append(f"{field}: {pair!r} read again as {again!r}: "
                          + ("a period as printed, or a speck?" if end else "a comma, a speck or nothing?"))
    return box, fixes, doubts


def text_read_again(box: TextBox, field: str, ctx: _Ctx) -> tuple[TextBox, list[Correction], list[str]]:
    """A row's free text (a goal, an indicator, a budget line's name) with its periods
    and its misread-looking words read again (`periods_read_again`, `words_read_again`):
    the box, the corrections, the doubts."""
    box, periods, doubts = periods_read_again(box, field, ctx)
    box, words, more = words_read_again(box, field, ctx)
    return box, periods + words, doubts + more


def words_read_again(box: TextBox, field: str, ctx: _Ctx) -> tuple[TextBox, list[Correction], list[str]]:
    """Words of free text that look misread, as a reading at full resolution gives them,
    and the doubts that reading leaves.

    OCR at its working resolution misreads some words with confidence ('Fiektronik',
    'bitormasi', 'menulai'). A word in no lexicon but like a lexicon word (`SUSPECT`),
    or a letter from words of the language that it is not (`Lexicon.misread_of`), is a
    suspect; a text with suspects is read again at the page's full resolution, the two
    readings are aligned word by word, and a suspect whose counterpart is a word of the
    lexicon or the dictionary becomes that word (method `reocr`); so do a suspect read in
    pieces and a few words read as one, when the second reading has lexicon words alike
    in their place. Only the page's own evidence changes a word (a word no dictionary
    knows that stays is flagged: `non_word`). A suspect the second reading, word for
    word like the first (`SAME_TEXT`: not a stamp's scrawl), gives as another word in no
    lexicon ('beran' and 'peian') stays as read and is a doubt for a person (one it gives
    alike is vouched for; one with no second reading is left to the lexicon when OCR was
    unsure of it). A first word in small letters is read again too, and takes the capital
    the second reading gives it ('jumlah' read at full resolution 'Jumlah'; some agreements
    print their indicators small, and the page says which).
    """
    lexicon = ctx.knowledge.lexicon
    if ctx.exact or ctx.reader is None or box.bbox is None or box.page is None or len(lexicon) == 0:
        return box, [], []
    protected = ctx.protected or {}
    parts = box.text.split(" ")
    cores = [p.strip(".,;:()'\"") for p in parts]
    suspects = {i for i, c in enumerate(cores) if len(c) >= 4 and c.isalpha() and c.lower() not in lexicon
                and c.lower() not in protected and (lexicon.near(c, SUSPECT) or lexicon.misread_of(c))}
    small = cores[0].isalpha() and cores[0][:1].islower()  # 'jumlah pemuda': a 'J' read small?
    if not suspects and not small:
        return box, [], []
    again = _full_reading(box, ctx) or ""
    new = [c for c in (w.strip(".,;:()'\"|—–-") for w in again.split()) if c]
    if small and new and new[0] != cores[0] and new[0] == cores[0].capitalize():
        parts[0] = parts[0].replace(cores[0], new[0])
    match = difflib.SequenceMatcher(a=[c.lower() for c in cores], b=[w.lower() for w in new], autojunk=False)
    out: list[str] = []
    disputed: list[str] = []
    alike = fuzz.ratio(" ".join(cores).lower(), " ".join(new).lower()) >= SAME_TEXT  # not a scrawl
    for op, a0, a1, b0, b1 in match.get_opcodes():
        span = parts[a0:a1]
        if op == "replace" and a1 - a0 == b1 - b0:
            for k, (i, j) in enumerate(zip(range(a0, a1), range(b0, b1), strict=True)):
                if (i not in suspects or not new[j].isalpha()
                        or (i, j) == (len(cores) - 1, len(new) - 1) and _cut_short(new[j], cores[i])):
                    continue
                if lexicon.knows(new[j]) and fuzz.ratio(new[j].lower(), cores[i].lower()) >= SAME_WORD:
                    span[k] = parts[i].replace(cores[i], new[j])
                elif alike:
                    disputed.append(f"{cores[i]!r} (at full resolution {new[j]!r})")
        elif (op == "replace" and max(a1 - a0, b1 - b0) <= 3 and suspects & set(range(a0, a1))
              and not any(cores[i].lower() in lexicon for i in range(a0, a1))
              and all(w.isalpha() and w.lower() in lexicon for w in new[b0:b1])
              and fuzz.ratio("".join(cores[a0:a1]).lower(), "".join(new[b0:b1]).lower()) >= SUSPECT):
            # a word read in pieces, or two read as one ('Penyeleng n' for 'Penyelenggaraan')
            head, tail = parts[a0], parts[a1 - 1]
            lead = head[:len(head) - len(head.lstrip(".,;:()'\""))]
            trail = tail[len(tail.rstrip(".,;:()'\"")):]
            span = [lead + " ".join(new[b0:b1]) + trail]
        out.extend(span)
    doubts = [f"{field}: {', '.join(disputed)}: a word like a lexicon word, read two ways: check it"
              ] if disputed else []
    text = " ".join(out)
    if text == box.text:
        return box, [], doubts
    return replace(box, text=text), [Correction(field, box.text, text, "reocr")], doubts


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _cut_short(again: str, word: str) -> bool:
    """Whether a second reading of a text's last word is the word with its last letter or
    two cut off (the crop's edge: 'Dibersihk' for 'Dibersihkan'): no other reading."""
    return len(word) - 2 <= len(again) < len(word) and word.lower().startswith(again.lower())


def _diff(c: Correction) -> str:
    """The words a correction changed: 'Pegawal -> Pegawai'."""
    a, b = c.before.split(), c.after.split()
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    j = 0
    while j < min(len(a), len(b)) - i and a[-1 - j] == b[-1 - j]:
        j += 1
    return f"{' '.join(a[i:len(a) - j])} -> {' '.join(b[i:len(b) - j])}"


def _match_case(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@dataclass
class _Ctx:
    knowledge: Knowledge
    settings: ReviewSettings
    regions: list[str]
    reader: Reader | None
    exact: bool  # born-digital text: no OCR doubts
    protected: dict[str, str] | None = None  # words of the office's region and place, as the header spells them
    seen: Counter[str] = field(default_factory=Counter)  # how often each word is printed (`_document_words`)


def _snap(box: TextBox, kind: str, field: str, ctx: _Ctx) -> tuple[str, Entry | None, list[Correction], list[str]]:
    """Text of a goal or indicator after catalogue / lexicon correction, its entry, fixes, doubts."""
    s = ctx.settings
    pct = fix_percent(box.text)
    rule = [] if pct == box.text or ctx.exact else [Correction(field, box.text, pct, "rule")]
    if rule:
        box = replace(box, text=pct)
    m = ctx.knowledge.catalogue.match(box.text, kind, ctx.regions)
    if m is not None and m.score >= s.accept and m.margin >= s.margin:
        fixes = rule + ([] if m.text == box.text else [Correction(field, box.text, m.text, "catalogue", m.score)])
        return m.text, m.entry, fixes, []
    box, again, doubts = text_read_again(box, field, ctx)
    text, fixes = lexicon_fix(box, ctx.knowledge.lexicon, field, ctx.exact, ctx.protected)
    fixes = rule + again + fixes
    if m is not None and m.score >= s.doubt:
        what = f"catalogue entry {m.entry.id}" if m.entry.id else "a catalogue entry"
        doubts.append(f"{field} is close to {what} ({m.score:.0f}) but not clearly it: check the text")
    garbled = None if ctx.exact else unreadable(text, field)
    if garbled:
        doubts.append(garbled)
    return text, None, fixes, doubts


def unreadable(text: str, field: str) -> str | None:
    """Why a text holds words OCR could not read (a mark inside letters, a sign no
    Indonesian text prints: `«Aplikasi`, `¢ Government`), or None."""
    garbled = [t for t in text.split() if _GARBLED.search(t)]
    return f"{field} has unreadable words: {' '.join(garbled[:3])}" if garbled else None


_GARBLED = re.compile(r"[A-Za-z][^A-Za-z0-9\s/().,'&-][^\s]*[A-Za-z]|[^\x00-\x7f\u2013]")


_PERCENT_INDICATOR = re.compile(r"^\s*(persentase|prosentase|presentase)\b", re.I)


def _plausible(parsed: ParsedTarget, entry: Entry | None, indicator: str = "") -> str | None:
    """Why a parsed target does not fit its catalogue entry, or its kind (None when it fits).

    Without an entry: a 'Persentase ...' indicator's target over 100 is a percent sign
    misread as digits ('10096'), and its unit is '%' (a percent sign read as a letter:
    '73 Y', or lost: '43,4'; bare numbers only under an indicator that prints its '(%)').
    Any unit of under two letters but '%' is a misread mark, not a unit word, and so is a
    lone letter before a unit word ('o rupiah').
    """
    if parsed.value is None:
        if parsed.qualitative and (_PERCENT_INDICATOR.match(indicator) or (entry is not None and entry.unit)):
            return "a grade or an audit opinion as the target of an indicator measured in numbers"
        return None
    if parsed.unit and parsed.unit != "%" and sum(ch.isalpha() for ch in parsed.unit) < 2:
        return f"unit {parsed.unit!r} is not a unit word"
    if parsed.unit and re.match(r"[^\W\d_]\s", parsed.unit):  # 'o rupiah': '.00' read '.0 O'
        return f"unit {parsed.unit!r} opens with a lone letter: a speck or a misread digit"
    if entry is None:
        if not _PERCENT_INDICATOR.match(indicator):
            return None
        if parsed.unit not in (None, "%"):
            return f"unit {parsed.unit!r} for a percentage indicator"
        if parsed.unit is None and "%" not in indicator:  # not '... (%)', whose targets are bare
            return "no unit for a percentage indicator: its '%' may be lost"
        if parsed.value > 100:
            return f"target {parsed.value:g} over 100 for a percentage indicator"
        return None
    if entry.unit and (parsed.unit or "") != entry.unit:
        return f"unit {parsed.unit or 'none'!r} where the catalogue expects {entry.unit!r}"
    if entry.unit is None and parsed.unit == "%":
        return "a percentage where the catalogue expects a bare number"
    if entry.lo is not None and parsed.value < entry.lo or entry.hi is not None and parsed.value > entry.hi:
        lo = "" if entry.lo is None else f"{entry.lo:g}"
        hi = "" if entry.hi is None else f"{entry.hi:g}"
        return f"target {parsed.value:g}{parsed.unit or ''} outside the catalogue's range {lo}-{hi}"
    return None


def _unknown_unit(unit: str | None, lexicon: Lexicon) -> str | None:
    """Why a unit may be misread: a word of it of three letters or more, not in capitals,
    that no dictionary knows ('buan' for 'buah'; of 4,797 units of the truth files only
    'kh' and 'kk' are unknown, both shorter), or None."""
    for word in re.split(r"[^\w]+|_", unit or ""):
        if (len(word) >= 3 and word.isalpha() and not word.isupper()
                and not lexicon.knows(word, SUFFIXES) and word.lower() not in lexicon.foreign):
            return f"unit {unit!r}: {word!r} is a word no dictionary knows: a letter may be misread"
    return None


def dangling_mark(raw: str) -> str | None:
    """Why a target's number may have lost digits or be misread: a decimal mark after it
    with no digit after the mark ('3.' for '3,3', '6.unit' for '6 unit'), or a mark alone
    between spaces ('3 Orang .' for '9 Orang': a speck by the digits; no target of the
    truth files has either). None if not."""
    if re.search(r"\d[.,](?!\d)", raw):
        return f"{raw!r}: a mark after the number with no digit after it: a digit may be lost"
    if re.search(r"(?:^|\s)[.,:;'`]+(?:\s|$)", raw):
        return f"{raw!r}: a mark alone beside the number, a speck: its digits may be misread"
    return None


# a '1' OCR read as a bar or a letter before the unit word of a target ('| Kegiatan': a
# serif '1' at 300 dpi, seed 3131)
_ONE_AS_BAR = re.compile(r"^\s*[|!\]lI](?=\s+[A-Za-z])")


def _digits_fixed(raw: str) -> str:
    return fix_percent(" ".join(fix_digits(t) for t in _ONE_AS_BAR.sub("1", raw).split(" ")))


def _bar_kept(box: TextBox) -> TextBox:
    """A target cell's text with the bar its first line opens with, which `clean_text`
    drops as a rule's speck: before a unit word it is a '1' (`_ONE_AS_BAR`)."""
    lines = words_to_lines(box.words)
    first = lines[0].words[0].text if lines and lines[0].words else ""
    if first in ("|", "!") and box.text[:1].isalpha():
        return replace(box, text=f"{first} {box.text}")
    return box


def _reread_target(r: RawRow, parsed: ParsedTarget, entry: Entry | None, ctx: _Ctx, indicator: str = "",
                   also: Sequence[str] = (), clear: bool = False) -> tuple[str, ParsedTarget, str] | None:
    """Read a doubtful target again: the value the readings (these and `also`) give, by
    `_voted`, if plausible."""
    box = _as_tall_as_text(r.target.bbox, r.indicator.words) or r.target_cell
    if ctx.reader is None or box is None:
        return None

    def vote(t: str) -> tuple[float, str | None] | None:
        p = parse_target(_digits_fixed(t))
        if r.unit.text:  # the unit column's, as read (and read again) there
            p = ParsedTarget(p.value, parsed.unit, p.note)
        elif p.unit is None and parsed.unit and p.value is not None and re.fullmatch(r"[\d.,\s]+", t.strip()):
            p = ParsedTarget(p.value, parsed.unit)  # a digits-only reading keeps the unit word
        return (p.value, p.unit) if p.value is not None else None

    # a number the first reading holds no digit of (nor a word of letters read for digits, 'S'
    # for '5') comes of the readings alone: all must give it ('Te' read again '71%', '71%' and
    # 'T%', digits only '71%': printed '7%', seed 3030)
    digitless = not re.search(r"\d", r.target.text) and not any(map(digit_like, r.target.text.split()))
    got = _voted(also, r.target.page or r.page, box, vote, clear, ctx, every=digitless)
    if got is None:
        return None
    (value, unit), support = got
    best = ParsedTarget(value, unit)
    if _plausible(best, entry, indicator) is not None or _sevens_as_ones(r.target.text, support[0]):
        return None
    # the two large readings are one model's, which may make a '7' a '1' at every scale: where
    # the digits-only reading (another model) shows a '7' there, no reading settles it ('77'
    # read '71', '71' and, digits only, '77': seed 3333)
    digits = [v for t in ctx.reader(r.target.page or r.page, box, "digits") if (v := vote(t)) is not None]
    if any(_ones_for_sevens(_number_digits(value), _number_digits(d)) for d in digits):
        return None
    raw = next((t for t in support if "%" in t or not parsed.unit), support[0])
    return raw.strip(), best, f"{len(support)} readings"


def _sevens_as_ones(first: str, again: str) -> bool:
    """True when a reading is the first one with a 7 or more read as 1 and no other digit
    changed: `ind` reads a 7 cut out alone as a 1 at every scale, so readings that agree on
    it are no evidence (`benchmarks/reread_changes.py` on the development seeds 2323, 2424
    and 2525: 7 -> 1 twice, wrong both times; 1 -> 7 six times, right). A letter the first
    reading made of a mark is no digit to compare (`7E%` read again `15%`, every reading
    alike, printed `75%`: seed 3030)."""
    a, b = _digits_fixed(first).replace(" ", ""), _digits_fixed(again).replace(" ", "")
    if len(a) != len(b):
        a, b = re.sub(r"\D", "", a), re.sub(r"\D", "", b)
    if len(a) != len(b):
        return False
    a = "".join(x if x.isdigit() else y for x, y in zip(a, b, strict=True))  # a mark's letter: no digit
    return _ones_for_sevens(b, a)


def _reread_unit(r: RawRow, parsed: ParsedTarget, entry: Entry | None, ctx: _Ctx, indicator: str
                 ) -> str | None:
    """The unit column's cell read again when its unit is doubtful (no unit word, one no
    dictionary knows, or not what the catalogue or a percentage indicator wants: a lone
    '%' read 'wa', 'ch', 'g' on the page read at 150 dpi): the unit two readings (large,
    larger, at the page's full resolution) agree on when it is no longer doubtful; else
    None."""
    def doubtful(unit: str | None) -> bool:
        return (unit is None or _plausible(replace(parsed, unit=unit), entry, indicator) is not None
                or _unknown_unit(unit, ctx.knowledge.lexicon) is not None)

    if (ctx.exact or ctx.reader is None or r.unit.bbox is None or parsed.value is None
            or not doubtful(parsed.unit)):
        return None
    page = r.unit.page or r.page
    texts = ctx.reader(page, r.unit.bbox, "text") + ctx.reader(page, r.unit.bbox, "line")
    got = _agreed(texts, lambda t: None if doubtful(u := unit_word(t)) else u)
    log.debug("unit %r read again: %r", parsed.unit, texts)
    return None if got is None else got[0]


def _as_tall_as_text(box: BBox | None, words: Sequence) -> BBox | None:
    """A value's box at least as tall as the row's text (and as much wider): OCR may box a
    part of a faint glyph only (the foot of a '1' read ','), and the part reads as
    another digit ('4') at every scale."""
    h = word_height(words)
    if box is None or box[3] - box[1] >= 0.8 * h:
        return box
    cy = (box[1] + box[3]) / 2
    return (box[0] - h / 2, cy - h / 2 - 2, box[2] + h / 2, cy + h / 2 + 2)


def _target_read_otherwise(box: TextBox, value: float, ctx: _Ctx) -> str | None:
    """The reading at the page's full resolution of a target read with confidence (a crop
    in a call the agreement makes anyway), when it gives another number; else None."""
    if ctx.exact or ctx.reader is None or box.bbox is None or box.page is None:
        return None
    again = _full_reading(box, ctx, value=True) or ""
    other = parse_target(_digits_fixed(again)).value
    if (other is None or other == value) and "1" in _number_digits(value):
        # both readings may make a serif '7' a '1' (`ind+eng`, seed 3131): the first model alone
        alone = next(iter(ctx.reader(box.page, box.bbox, "alone")), "")
        seven = parse_target(_digits_fixed(alone)).value
        if seven is not None and _ones_for_sevens(_number_digits(value), _number_digits(seven)):
            return alone
    if other is None or other == value:
        return None
    # '56%' read '5696', '55%' read '5590': the percent sign as digits, the number as it was
    lost = re.fullmatch(r"\d+(96|90|9|6)", again.strip()) and str(other).startswith(f"{value:g}")
    return None if lost and "%" in box.text else again


def _empty_again(r: RawRow, ctx: _Ctx) -> bool:
    """True when a target cell read as empty is empty: the exact text of a text layer, or
    a scan whose second readings of the cell (large, larger, digits only) find no letter
    or digit either (a rule at its edge may read as '|' or '_')."""
    if ctx.exact:
        return True
    if ctx.reader is None or r.target_cell is None:
        return False
    texts = _second_readings(r.target.page or r.page, r.target_cell, ctx)
    return not any(ch.isalnum() for t in texts for ch in t)


def _reread_amount(box: TextBox, ctx: _Ctx, also: Sequence[str] = (), clear: bool = False
                   ) -> tuple[str, int] | None:
    """Read a doubtful Rupiah amount again (large, larger, digits only); the amount two
    readings (these and `also`) grouped by thousands agree on, with one of those
    readings, or None; with `clear`, only an amount more readings give than any other."""
    if ctx.reader is None or box.bbox is None or box.page is None:
        return None

    def vote(t: str) -> int | None:
        return parse_rupiah(t) if rupiah_grouping_ok(t) else None

    got = _voted(also, box.page, box.bbox, vote, clear, ctx)
    return None if got is None else (got[1][0].strip(), got[0])


def _amount_read_otherwise(box: TextBox, amount: int, ctx: _Ctx) -> str | None:
    """The reading at the page's full resolution of an amount read with confidence (a
    crop in a call the agreement makes anyway), when it gives another amount; else None.
    A reading with no thousands group in it is no evidence either way."""
    again = _full_reading(box, ctx, value=True) or ""
    groups = re.findall(r"\d{1,3}(?:[.,]\d{3})+", again)
    return again if groups and int(re.sub(r"\D", "", max(groups, key=len))) != amount else None


def _second_readings(page: int, box: BBox, ctx: _Ctx) -> list[str]:
    """The readings of a number's region at full resolution: large, larger, digits only."""
    return ctx.reader(page, box, "text") + ctx.reader(page, box, "digits")


def _voted(also: Sequence[str], page: int, box: BBox, vote: Callable[[str], Hashable | None], clear: bool,
           ctx: _Ctx, every: bool = False) -> tuple[Any, list[str]] | None:
    """The value readings of a number agree on (`also`, then its region read large, larger
    and digits only; see `_agreed`), with the readings that give it. With `clear` (a
    reading made with confidence, `also[0]`, read otherwise at full resolution): the first
    reading when the digits-only reading (another model: `eng`, digits only) gives it too;
    else only a value more readings give than any other, and the digits-only reading too
    when it gives one: `ind` may read a '7' cut out alone as '1' at every scale, so its
    readings agree with each other more than they are right. With `every`: only a value
    every reading gives."""
    digits = ctx.reader(page, box, "digits")
    texts = [*also, *ctx.reader(page, box, "text"), *digits]
    got = _agreed(texts, vote)
    if every and got is not None and len(got[1]) < len([t for t in texts if t.strip()]):
        return None
    if not clear:
        return got
    said = {t: v for t in digits if (v := vote(t)) is not None}
    first = vote(also[0]) if also else None
    again = vote(also[1]) if len(also) > 1 else None
    # two models, two resolutions: the first stands; but not a '1' read where the page's full
    # resolution shows a '7': `eng` reads a serif '7' as '1' too ('70%' read '10%' by the first
    # reading and the digits-only one, '70' by `ind` alone at full resolution: seed 3131)
    if (again is not None and first is not None
            and _ones_for_sevens(_number_digits(first), _number_digits(again))):
        return None  # a '1' the other reading shows as a '7': no reading settles which
    if first is not None and first in said.values():
        return first, [also[0], *(t for t, v in said.items() if v == first)]
    ranked = Counter(v for v in map(vote, texts) if v is not None).most_common(2)
    tie = len(ranked) == 2 and ranked[0][1] == ranked[1][1]
    return None if got is None or tie or (said and got[0] not in said.values()) else got


def _number_digits(value: Any) -> str:
    """The digits of a voted number (a target's `(value, unit)`, an amount)."""
    n = value[0] if isinstance(value, tuple) else value
    return re.sub(r"\D", "", f"{n:g}" if isinstance(n, float) else str(n))


def _digit_added(first: str, other: str) -> bool:
    """True when the digits of `other` are those of `first` with one more somewhere."""
    a, b = re.sub(r"\D", "", first), re.sub(r"\D", "", other)
    return len(b) == len(a) + 1 and any(b[:i] + b[i + 1:] == a for i in range(len(b)))


def _ones_for_sevens(digits: str, other: str) -> bool:
    """True when `digits` are `other` with a '7' or more read as '1' and nothing else
    (`_sevens_as_ones` on readings, `_voted` on the numbers voted for)."""
    pairs = list(zip(digits, other, strict=False))
    return (len(digits) == len(other) and ("1", "7") in pairs
            and all(a == b or (a, b) == ("1", "7") for a, b in pairs))


def _agreed(texts: Sequence[str], vote: Callable[[str], Hashable | None]) -> tuple[Any, list[str]] | None:
    """The value two or more readings agree on (`vote` of each reading; None: no vote),
    the most voted for (the first such on a tie), with the readings that gave it."""
    votes: dict[Hashable, list[str]] = {}
    for t in texts:
        value = vote(t)
        if value is not None:
            votes.setdefault(value, []).append(t)
    best = max(votes.items(), key=lambda kv: len(kv[1]), default=None)
    return best if best is not None and len(best[1]) >= 2 else None


# --------------------------------------------------------------------------- rows


def _unit_words_fixed(text: str, ctx: _Ctx) -> str:
    """A target's or unit's words with the letters OCR confuses put right (`confusion_fix`:
    '151 Kelampok' -> '151 Kelompok'); exact text as it is."""
    if ctx.exact:
        return text
    return " ".join(confusion_fix(t, ctx.knowledge.lexicon) or t for t in text.split(" "))


def _target_row(r: RawRow, program: str | None, activity: str | None, ctx: _Ctx) -> TargetRow:
    s = ctx.settings
    fixes: list[Correction] = []
    reasons: list[str] = []
    goal, goal_entry, f, d = (_snap(r.goal, "goal", "strategic_goal", ctx) if r.goal.text
                              else ("", None, [], []))
    fixes += f
    reasons += d
    indicator, entry, f, d = _snap(r.indicator, "indicator", "indicator", ctx)
    fixes += f
    reasons += d
    if not ctx.exact:
        r = replace(r, target=_bar_kept(r.target))
    raw = r.target.text
    fixed = _unit_words_fixed(join_broken_words(_digits_fixed(raw), ctx.knowledge.lexicon), ctx)
    # letters taken for digits ('S5' -> 55) make a number that was not printed as such: check it
    as_digits = " ".join(fix_digits(t) for t in _ONE_AS_BAR.sub("1", raw).split(" "))
    guessed = sum(ch.isdigit() for ch in as_digits) > sum(ch.isdigit() for ch in raw)
    if fixed != raw:
        fixes.append(Correction("target", raw, fixed, "rule"))
        raw = fixed
    parsed = parse_target(raw)
    if r.unit.text:  # a SATUAN column holds the unit
        unit = _unit_words_fixed(join_broken_words(r.unit.text, ctx.knowledge.lexicon), ctx)
        if unit != r.unit.text:
            fixes.append(Correction("target.unit", r.unit.text, unit, "rule"))
        again = _reread_unit(r, replace(parsed, unit=unit_word(unit)), entry, ctx, indicator)
        if again is not None:
            fixes.append(Correction("target.unit", unit, again, "reocr"))
            unit = again
        parsed = replace(parsed, unit=unit_word(unit))
    low = min((w.conf for w in r.target.words), default=1.0)
    doubt = (dangling_mark(raw) is not None or (parsed.value is None and not parsed.qualitative)
             or _plausible(parsed, entry, indicator) is not None
             or (not ctx.exact and _unknown_unit(parsed.unit, ctx.knowledge.lexicon) is not None)
             or (r.target.words and low < s.min_conf) or guessed)
    # a value read with confidence is checked against its reading at full resolution; read
    # otherwise there, more readings decide (`_voted`: the digits-only reading has the say)
    other = (None if doubt or ctx.exact or parsed.value is None
             else _target_read_otherwise(r.target, parsed.value, ctx))
    if other is not None and _digit_added(raw, other) and _plausible(
            parse_target(_digits_fixed(other)), entry, indicator) is not None:
        other = None  # a speck read as one more digit, making no target this indicator has ('719%' for '79%')
    if (doubt or other) and not ctx.exact:
        got = _reread_target(r, parsed, entry, ctx, indicator, [r.target.text, other] if other else [],
                             clear=bool(other))
        if got is None and guessed and parsed.value is not None:
            reasons.append(f"number made of letters read as digits: {r.target.text!r} taken as {raw!r}")
        if got is None and other:
            reasons.append(f"target {raw!r} reads {other!r} at full resolution: check the digits")
        if got is not None:
            new_raw, new, how = got
            if (new.value, new.unit) != (parsed.value, parsed.unit):
                fixes.append(Correction("target", raw, new_raw, "reocr", None))
                raw, parsed = new_raw, new
            low = max(low, s.min_conf)  # the readings agree: the confidence doubt is settled
            log.debug("reread %r -> %r (%s)", r.target.text, new_raw, how)
    cut = dangling_mark(raw)  # as first read, or as read again ('33' read '3.')
    if cut:
        reasons.append(cut)
    # a cell empty as read again is empty where the catalogue expects no number of its
    # indicator (the seed's 'Nilai Evaluasi ...': no unit, no range); one it does not know
    # may be a list's heading, its items lost; one with a unit or a range had a target
    expects = entry is not None and (entry.unit is not None or entry.lo is not None or entry.hi is not None)
    if parsed.value is None and not parsed.qualitative and (
            raw or entry is None or (expects and not ctx.exact) or not _empty_again(r, ctx)):
        why = parsed.note or "no number"
        lost = (" (an indicator in no catalogue: a list's heading, its items lost?)" if entry is None
                else " (the catalogue expects a target of this indicator)" if expects else "")
        reasons.append(f"target could not be read ({why}): {raw!r}" if raw else f"target is empty{lost}")
    else:
        bad = _plausible(parsed, entry, indicator)
        if bad:
            reasons.append(bad)
    parent = r.parent.text if r.parent is not None else None
    if r.parent is not None and not ctx.exact:
        if fix_percent(parent) != parent:
            fixes.append(Correction("indicator_parent", parent, fix_percent(parent), "rule"))
        box, again, doubts = words_read_again(replace(r.parent, text=fix_percent(parent)), "indicator_parent",
                                              ctx)
        parent, more = lexicon_fix(box, ctx.knowledge.lexicon, "indicator_parent", ctx.exact, ctx.protected)
        fixes += again + more
        reasons += doubts
    if not ctx.exact:
        reasons += [why for why in (odd_marks(goal), small_start(goal), odd_marks(indicator),
                                    items_inside(indicator), odd_marks(parent), small_start(parent),
                                    lone_item(indicator, parent) if entry is None else None,
                                    two_goals(goal),
                                    odd_marks(program), odd_marks(activity)) if why]
        reasons += [why for why in (non_word(t, ctx.knowledge.lexicon, ctx.protected) for t in (
            goal, indicator if entry is None else None, parent, program, activity)) if why]
        reasons += [why for why in (_unknown_unit(parsed.unit, ctx.knowledge.lexicon),) if why]
    unsure = _unsure_words(r, entry, low, ctx)
    if unsure:
        reasons.append("low OCR confidence: " + ", ".join(f"{w.text!r} ({w.conf:.2f})" for w in unsure[:3]))
    if not indicator:
        reasons.append("indicator is empty")
    elif indicator.endswith(":") and not ctx.exact:
        reasons.append("the indicator ends in a colon, as a list's heading does: its items may be lost")
    lex = [c for c in fixes if c.method == "lexicon"]
    if lex:
        reasons.append("words corrected from the lexicon (" + "; ".join(f"{c.field}: {_diff(c)}" for c in lex)
                       + "): check them")
    # a row joined across a page break is one row when the catalogue knows its indicator and
    # its goal whole (27 rows of the development seeds 2828, 2929 and 3030 were flagged only
    # for the join, all of them right: benchmarks/flag_reasons.py)
    if r.continued and (entry is None or (goal and goal_entry is None)):
        reasons.append("row continues across a page break: check it is one row")
    if r.split_by_position:
        reasons.append("one cell holds several indicators and targets with no mark between the items; "
                       "check where this indicator begins and ends")
    if r.cells_cut:
        reasons.append("the rules around this row's cells were not found: its cells were cut where the "
                       "table's other rules stand; check its goal, indicator and target")
    if r.parent_guessed and r.parent is not None:
        reasons.append(f"taken for an item of the list {r.parent.text!r} above it (no target there, items "
                       "neither marked nor indented): or a row of its own, and that one's target lost?")
    audit = _audit(r.target, r.indicator)  # not the goal: a merged goal cell spans many rows
    if not r.target.bbox and r.target_cell:
        audit = replace(audit, bbox=r.target_cell, page=r.page)
    audit = audit.corrected(*fixes)
    if reasons:
        audit = audit.flag(*reasons)
    return TargetRow(
        program=program, activity=activity, strategic_goal=goal, indicator=indicator,
        target=Value(raw, parsed.value, parsed.unit), indicator_id=entry.id if entry else None,
        indicator_parent=parent, audit=audit,
    )


def _unsure_words(r: RawRow, entry: Entry | None, target_low: float, ctx: _Ctx) -> list:
    """The words of a row OCR was unsure of and nothing else vouched for.

    A catalogue match vouches for the indicator's words, agreeing re-readings for the
    target's, the lexicon for a word it knows (of the indicator or of the heading of the
    list it is an item of), a reading at full resolution for a word it reads alike.
    """
    if ctx.exact:
        return []
    s = ctx.settings

    def counts(w, box: TextBox) -> bool:  # bullets, list numbers and stray marks do not reach the output
        core = w.text.strip(".,;:()")
        return (sum(ch.isalnum() for ch in core) >= 2 and core in box.text
                and not (w.text[-1] in ".)" and mark_of(w.text)))

    out = []
    if target_low < s.min_conf:
        out += [w for w in r.target.words if w.conf < s.min_conf and counts(w, r.target)]
    lex = ctx.knowledge.lexicon
    for box in ([r.indicator] if entry is None else []) + ([r.parent] if r.parent is not None else []):
        out += [w for w in _unsure(box, ctx) if counts(w, box) and w.text.strip(".,;:()").lower() not in lex]
    return out


def _unsure(box: TextBox, ctx: _Ctx) -> list:
    """Words of a text read with low confidence that a reading of the text at the page's
    full resolution does not give again, letter for letter (two readings at two
    resolutions that agree settle the doubt: '«Kambing' read 'Kambing'). Only words of
    three letters or digits or more: both readings make the same 'N' or 'DI' of a mark."""
    low = [w for w in box.words if w.conf < ctx.settings.min_conf] if not ctx.exact else []
    if not low:
        return []
    again = {_letters(w) for w in (_full_reading(box, ctx) or "").split()}
    return [w for w in low if len(_letters(w.text)) < 3 or _letters(w.text) not in again]


def _section(text: str, kind: str, ctx: _Ctx) -> tuple[str, Correction | None, Entry | None]:
    """A section heading's name (snapped to the catalogue when it matches clearly), the
    correction that made it, and the catalogue entry it is (None when none is clear)."""
    name = _section_name(text)
    m = ctx.knowledge.catalogue.match(name, kind, ctx.regions)
    if m is None or m.score < ctx.settings.section_accept:
        return name, None, None
    return m.text, Correction(kind, name, m.text, "catalogue", m.score) if m.text != name else None, m.entry


def _fill_region(template: str, ctx: _Ctx) -> str:
    return template.replace("{region}", ctx.regions[0]) if ctx.regions else template


def _same_section(template: str, read: str, ctx: _Ctx) -> bool:
    from rapidfuzz import fuzz

    return fuzz.ratio(_fill_region(template, ctx).lower(), read.lower()) >= ctx.settings.section_accept


def target_rows(draft: Draft, ctx: _Ctx) -> list[TargetRow]:
    program = activity = home = None  # home: the program the catalogue puts the activity in
    section_fix: list[Correction] = []
    out: list[TargetRow] = []
    # rows in no catalogue activity under the heading since the last the catalogue puts
    # there, and the other activity the catalogue put a row in since (None: none)
    unplaced: list[int] = []
    astray: str | None = None
    for r in draft.rows:
        if r.kind == "program":
            program, fix, _ = _section(r.section, "program", ctx)
            activity = home = astray = None
            unplaced = []
            section_fix = [fix] if fix else []
            continue
        if r.kind == "activity":
            activity, fix, known = _section(r.section, "activity", ctx)
            home = known.program if known else None
            astray, unplaced = None, []
            section_fix = [f for f in section_fix if f.field == "program"] + ([fix] if fix else [])
            continue
        row = _target_row(r, program, activity, ctx)
        if section_fix:
            row = replace(row, audit=row.audit.corrected(*section_fix))
        entry = ctx.knowledge.catalogue.by_id(row.indicator_id) if row.indicator_id else None
        if entry is not None and entry.activity and activity and not _same_section(entry.activity, activity, ctx):
            row = replace(row, audit=row.audit.flag(
                f"the indicator belongs to activity {_fill_region(entry.activity, ctx)!r} in the catalogue, "
                f"but stands under {activity!r}: check the section headings"))
        elif program and (belongs := home or (entry.program if entry else None)) and not _same_section(
                belongs, program, ctx):
            row = replace(row, audit=row.audit.flag(
                f"the {'activity' if home else 'indicator'} belongs to program "
                f"{_fill_region(belongs, ctx)!r} in the catalogue, but stands under {program!r}: "
                "its program heading may be lost"))
        elif activity and not program:  # an activity stands under a program in every agreement
            row = replace(row, audit=row.audit.flag(
                f"no program heading above its activity {activity!r}: the program heading may be lost"))
        out.append(row)
        if activity:
            if entry is None or not entry.activity:
                unplaced.append(len(out) - 1)
            elif _same_section(entry.activity, activity, ctx):
                astray, unplaced = None, []
            else:
                astray = entry.activity
            if astray and unplaced:
                _flag_unplaced(out, unplaced, astray, activity, ctx)
                unplaced = []
    # a table of sections has a program (an activity) over every row when it has one over
    # any (one heading alone may be a goal's row taken for one: two or more make a table
    # of sections)
    if len({(r.program, r.activity) for r in out if r.program or r.activity}) >= 2:
        levels = [level for level in ("program", "activity") if any(getattr(r, level) for r in out)]
        for i, r in enumerate(out):
            missing = [level for level in levels if not getattr(r, level)]
            if missing:
                out[i] = replace(r, audit=r.audit.flag(
                    f"no {missing[0]} heading above this row, though the table has {missing[0]} headings: "
                    "its heading (and rows under it) may be lost"))
    for i in _goalless(out):
        out[i] = replace(out[i], audit=out[i].audit.flag(
            "no goal read for this row, though the table has goals: its goal cell (and the row "
            "it began on) may be lost"))
    return out


def _goalless(rows: Sequence[TargetRow]) -> list[int]:
    """The rows with no goal in a table of goals (two rows or more have one): a table of
    goals has one over every row (a merged goal cell is each of its rows'), so such a row
    lost its goal cell, and the row the cell began on may be lost too."""
    if sum(1 for r in rows if r.strategic_goal) < 2:
        return []
    return [i for i, r in enumerate(rows) if not r.strategic_goal]


def _flag_unplaced(out: list[TargetRow], unplaced: list[int], home: str, activity: str, ctx: _Ctx) -> None:
    """Flag the rows `unplaced` (in no catalogue activity) under the heading `activity`
    next to a row the catalogue puts in activity `home`: the heading of `home` may be
    lost above any of them (the rows since the last row placed under the heading, and
    those after the row gone astray until one is placed there again)."""
    why = (f"a row near it belongs to activity {_fill_region(home, ctx)!r} in the catalogue, not to "
           f"{activity!r}: its heading may be lost above this row: check this row's activity")
    for i in unplaced:
        out[i] = replace(out[i], audit=out[i].audit.flag(why))


def _nameless(name: str) -> bool:
    """Whether a budget line's name has no letter (no line of the truth files lacks one):
    lost, or read into the line above."""
    return not any(ch.isalpha() for ch in name)


def budget_gap(lines) -> str | None:
    """Why lines of a budget list may be missing: a line whose name has no letters (its
    name lost, or a number read as one: the lines around it may be lost too), or the
    numbers of a numbered list not 1, 2, 3, ... (or a, b, c, ...; a list of one line
    numbered with a digit other than 1 lost those before). None when neither."""
    lines = [b for b in lines if not b.total]
    nameless = [b.name.text for b in lines if _nameless(b.name.text)]
    if nameless:
        return f"a line has no name ({nameless[0]!r}): lines of the list may be missing"
    numbers = []
    for b in lines:
        core = b.no.strip(" .)(").lower()
        letter = len(core) == 1 and core.isalpha()
        numbers.append(int(core) if core.isdigit() else ord(core) - ord("a") + 1 if letter else None)
    alone = len(lines) == 1 and lines[0].no.strip(" .)(").isdigit()  # one line numbered 2 lost the first
    if (len(numbers) >= 2 or alone) and None not in numbers and numbers != list(range(1, len(numbers) + 1)):
        return (f"the lines are numbered {', '.join(b.no for b in lines)}: lines of the list may be missing "
                "or read out of order")
    return None


# the least a budget line of an agreement is (no truth file has one under Rp 950.000): an
# amount under it lost its first digits to OCR ('60.000,-' for 'Rp. 8.852.760.000,-')
MIN_AMOUNT = 100_000


def _lone_low_digit(amount: int) -> bool:
    """True when an amount's last group holds one digit other than 0, in its tens or
    ones ('942.641.006', '...060'): none of the 2,512 budget lines of the truth files
    (real and simulated) ends so, but a 0 misread as 6, 8 or 9 does."""
    tail = amount % 1000
    return 0 < tail < 10 or (0 < tail < 100 and tail % 10 == 0)


_DATE_IN_NAME = re.compile(rf"\b\d{{1,2}}\s+(?:{'|'.join(MONTHS)})\b", re.I)
_RP_IN_NAME = re.compile(r"\bR\s?[pP]\b\.?[\s\d.,]*$")
# an item number inside a name ('... dan Marjinal 2. 5 Pengelolaan ...'): the next line,
# whose amount was lost, read into this one
_NUMBER_IN_NAME = re.compile(r"\S\s+\d{1,2}\s?[.)](?:\s?\d{1,2}[.)]?)?\s+[A-Z]")


def _two_lines_in_name(name: str) -> bool:
    """Whether a budget line's name holds the next line's: an item number inside it, or
    an amount's 'Rp' with words after it ('... Peternakan Rp, 2 Pengembangan Pasca Panen',
    '... Penyakit Ro. Ternak'; no name of the truth files holds an 'Rp' or an 'Ro.')."""
    return bool(_NUMBER_IN_NAME.search(name) or re.search(r"\S\s+R\s?(?:[pP]\b|o\.).*[^\W\d_]{3}", name))


def budget(draft: Draft, ctx: _Ctx) -> list[BudgetLine]:
    s = ctx.settings
    out = []
    for b in (b for b in draft.budget if not b.total):
        box, again, doubts = text_read_again(b.name, "name", ctx)
        name, fixes = lexicon_fix(box, ctx.knowledge.lexicon, "name", ctx.exact, ctx.protected)
        audit = _audit(b.amount_text, b.name).corrected(*again, *fixes)
        reasons = doubts + [f"words corrected from the lexicon ({_diff(c)}): check them" for c in fixes
                            if c.method == "lexicon"]
        if not ctx.exact:
            reasons += [why for why in (odd_marks(name), small_start(name), unreadable(name, "name"),
                                        acronym_misses(name, ctx.seen),
                                        non_word(name, ctx.knowledge.lexicon, ctx.protected)) if why]
        if _nameless(name):
            reasons.append("the line has no name: it was lost, or read into the line above")
        if _RP_IN_NAME.search(name):
            reasons.append(f"the name ends in 'Rp': the amount's first digits may be read into the name: "
                           f"{name!r}")
        if _two_lines_in_name(name):
            reasons.append(f"the name {name!r} holds an item number or an 'Rp': two lines read as one, "
                           "an amount lost?")
        if _DATE_IN_NAME.search(name):
            reasons.append(f"the name {name!r} holds a date: a line of the signing, not of the budget?")
        if b.heading_after:
            reasons.append(f"{b.heading_after!r} atop the next page, taken for a heading: or the rest "
                           "of this name, cut by the page?")
        raw, amount = b.amount_text.text, b.amount
        amount_unsure = _unsure(b.amount_text, ctx)
        doubt = (amount is None or not rupiah_grouping_ok(raw) or bool(amount_unsure)
                 or _lone_low_digit(amount))
        # an amount read with confidence is checked against its reading at full resolution
        other = None if doubt or ctx.exact else _amount_read_otherwise(b.amount_text, amount, ctx)
        # read otherwise there, the first reading votes too, and a tie settles nothing
        got = (_reread_amount(b.amount_text, ctx, [raw, other] if other else [], clear=bool(other))
               if (doubt or other) and not ctx.exact else None)
        if got is not None:  # readings at full resolution agree: the doubt is settled
            if got[1] != amount:
                audit = audit.corrected(Correction("amount", raw, got[0], "reocr"))
            raw, amount = got
            amount_unsure = []
        elif other is not None:
            reasons.append(f"amount {raw!r} reads {other!r} at full resolution: check the digits")
        if amount is None:
            reasons.append(f"amount could not be read: {raw!r}")
        elif not rupiah_grouping_ok(raw):
            reasons.append(f"amount {raw!r} is not grouped by thousands: check the digits")
        elif amount < MIN_AMOUNT:
            reasons.append(f"amount {raw!r} is under Rp 100.000, too little for a budget line: "
                           "its first digits may be lost")
        elif _lone_low_digit(amount):
            reasons.append(f"amount {raw!r} ends in {amount % 1000:03d}, one digit off a round thousand: "
                           "a 0 may be misread")
        unsure = amount_unsure + _unsure(b.name, ctx)
        if unsure:
            reasons.append(f"low OCR confidence ({min(w.conf for w in unsure):.2f})")
        if reasons:
            audit = audit.flag(*reasons)
        out.append(BudgetLine(name, amount, raw, b.note, audit))
    totals = [b for b in draft.budget if b.total and b.amount is not None]
    if totals and out and all(x.amount is not None for x in out):
        total = totals[-1].amount
        got = sum(x.amount for x in out if x.amount is not None)
        if got != total:
            reason = f"budget lines add up to {got:,} but the printed total is {total:,}".replace(",", ".")
            out = [replace(x, audit=x.audit.flag(reason)) for x in out]
    return out


def agreement_regions(draft: Draft) -> list[str]:
    """The office's region ('Kota Bontang'): from the organisation or positions, else from the rows.

    Of the spellings alike to the header's first (one misread: 'Provinsi Kalimantan Tim'),
    or to one alike to it, in the header or in goals and indicators, the one the agreement
    prints most often, so that a misread does not spell the region in every catalogue text
    it fills (a header of a faint page that reads 'Kutu Kartanegara' twice over rows that
    print 'Kutai'; an organisation read 'Kabupaten Karan' over positions and rows that
    print 'Berau' nine times, 'Beran' three)."""
    heads = [got for box in (draft.organization, draft.first_position, draft.second_position)
             if box is not None and box.text for got in regions_in(box.text)]
    if not heads:
        return guess_regions(r.indicator.text for r in draft.rows if r.kind == "data")
    words = heads[0].split()
    # the region's kind and as many words after it, wherever the agreement prints them
    at = re.compile(rf"(?<!\w){re.escape(words[0])}(?:\s+[^\s,.;:()]+){{{len(words) - 1}}}", re.I)
    printed = [m.group(0) for t in _texts(draft) for m in at.finditer(t)]
    # of spellings but for case, the one with the most capitals opening its words: a
    # capital read small ('Sekretanat KPU kabupaten Berau') is a misread
    spellings: dict[str, str] = {}
    for h in heads + printed:
        spellings[h.lower()] = max(spellings.get(h.lower(), h), h, key=_capitals)  # the first on a tie
    # alike: a letter or two from the first or from one alike to it ('Karan', 'Beran', 'Berau')
    alike = [spellings[heads[0].lower()]]
    rest = [h for h in spellings.values() if h.lower() != heads[0].lower()]
    while near := [h for h in rest if any(fuzz.ratio(h.lower(), a.lower()) >= 85 for a in alike)]:
        alike += near
        rest = [h for h in rest if h not in near]
    # (max keeps the first, the organisation's, on a tie)
    return [max(alike, key=lambda h: times_printed(h, draft))]


def _capitals(text: str) -> int:
    """How many words of `text` open with a capital."""
    return sum(w[0].isupper() for w in text.split())


def _texts(draft: Draft) -> list[str]:
    """The header values and the goals and indicators of an agreement."""
    return [box.text for box in (draft.organization, draft.first_position, draft.second_position)
            if box is not None] + [t.text for r in draft.rows for t in (r.goal, r.indicator)]


def times_printed(region: str, draft: Draft) -> int:
    """How often the agreement prints `region` as it is spelled (header values, goals, indicators)."""
    at = re.compile(rf"(?<!\w){re.escape(region)}(?!\w)", re.I)
    return sum(len(at.findall(t)) for t in _texts(draft))


REGION_PRINTED = 3  # a region the agreement prints this often as spelled mends a misread of it


def region_mended(text: str, region: str) -> str | None:
    """`text` with a misreading of the office's `region` in it spelled as the region (one or
    two letters off in its words, a word maybe read in two pieces: 'Sekretaris KPU Kabupaten
    Berat' for '... Berau', 'KPU Kota Baiixpapan', 'KPU Kota Sama nda'), or with the region's
    name after its kind where the text ends with that kind alone ('Kepala Dinas Perhubungan
    Provinsi': a faded line's end lost), in the text's case; None when it holds the region
    or nothing like it."""
    words = text.split()
    n = len(region.split())
    if len(region) < 8 or region.lower() in text.lower():
        return None
    head = region.split()[0]
    if words and words[-1].lower() == head.lower() and len(words) > 1:  # its name lost at the line's end
        rest = " ".join(region.split()[1:])
        return f"{text} {rest.upper() if text.isupper() else rest}"
    # the region's words as read, or with one of them read in two pieces ('Kota Sama nda')
    spans = [(i, k) for k in (n, n + 1) for i in range(len(words) - k + 1)]
    if not spans:
        return None

    def distance(span: tuple[int, int]) -> int:
        return Levenshtein.distance(" ".join(words[span[0]:sum(span)]).lower(), region.lower())

    best, k = min(spans, key=lambda span: (distance(span), -span[1]))
    read = " ".join(words[best:best + k])
    if not 0 < distance((best, k)) <= 2 or read.strip(".,;:") != read:
        return None
    spelled = region.upper() if read.isupper() else region
    return " ".join([*words[:best], spelled, *words[best + k:]])


def _word_key(word: str) -> str:
    return word.strip(".,;:()'\"").casefold()


def word_counts(texts: Iterable[str]) -> Counter[str]:
    """How often each word occurs in `texts` (by `_word_key`)."""
    return Counter(k for text in texts for k in map(_word_key, text.split()) if k)


def protected_words(regions: Sequence[str], place: str) -> dict[str, str]:
    """The words of the office's regions and place of signing, which no word rule changes
    or doubts, each with its spelling to restore ('' for a header in capitals, which tells
    no case)."""
    return {w.lower(): ("" if w.isupper() else w) for text in [*regions, place] for w in text.split()}


def _document_words(draft: Draft) -> Counter[str]:
    """How often each word occurs in the agreement as read (header, goals, indicators)."""
    boxes = [draft.title, draft.organization, draft.subunit, draft.first_name, draft.first_position,
             draft.second_name, draft.second_position, draft.place]
    texts = [b.text for b in boxes if b is not None]
    texts += [t.text for r in draft.rows for t in (r.goal, r.indicator)]
    return word_counts(texts)


NEAR_MISS = 80.0  # rapidfuzz ratio of a word to a more frequent word of the same agreement


def acronym_misses(text: str | None, seen: Counter[str]) -> str | None:
    """Why a header value or a budget line's name may misread an acronym: a word of three
    capitals the agreement prints less often than one a letter off it, which it prints
    twice or more ('Pendataan OPT Berkelanjutan' where 'DPT' is in a dozen indicators;
    'Sekretariat KPI Kabupaten Berau' in an agreement of the KPU). The dictionary knows
    most three capitals ('KPI', 'OPT'): no dictionary check. Not on indicators: they
    print kindred acronyms side by side ('SAK', 'SAP', 'SOP': 105 truth indicators would
    be flagged). None when none."""
    common = [o for o, n in seen.items() if n >= 2 and len(o) == 3 and o.isalpha()]
    for word in (text or "").split():
        k, bare = _word_key(word), word.strip(".,;:()'\"")
        if len(k) == 3 and k.isalpha() and bare.isupper():
            like = [o for o in common if seen[o] > max(1, seen[k])
                    and sum(a != b for a, b in zip(o, k, strict=True)) == 1]
            if like:
                return f"{bare!r} may be {like[0].upper()!r}, as elsewhere in this agreement"
    return None


def _near_misses(text: str, seen: Counter[str], lexicon: Lexicon) -> list[tuple[str, str]]:
    """Words of a header field that look like a misreading of a word the agreement prints
    more often ('Samannda' where 'Samarinda' is in the organisation and every position).

    Only flagged, never changed: a word the lexicon or the language's dictionary knows is
    taken as meant ('Sekretaris' beside 'Sekretariat', the place 'Tanah Grogot' beside
    'tanpa'), words under four letters are left alone (acronyms: `acronym_misses`), and
    names of people are not checked (a 'Dian' is not a misread 'dan').
    """
    from rapidfuzz import fuzz, process

    common = [o for o, n in seen.items() if n >= 2 and o.isalpha()]
    out = []
    for word in text.split():
        k = _word_key(word)
        if len(k) < 4 or not k.isalpha() or lexicon.knows(k, SUFFIXES):
            continue
        got = process.extractOne(k, [o for o in common if seen[o] > seen[k] and o != k], scorer=fuzz.ratio,
                                 score_cutoff=NEAR_MISS)
        if got is not None:
            out.append((word.strip(".,;:()'\""), got[0]))
    return out


ECHO_EDITS = 0.1  # a value and its echo in a position differ by at most this share of its letters


def _echo_doubts(values: dict[str, str | None], positions: dict[str, str | None],
                 seen: Counter[str], lexicon: Lexicon) -> list[tuple[str, str]]:
    """Doubts from an office printed twice: the organisation or subunit read in a
    party's position too ('Kasubbag Partisipasi, ... Sekretariat KPU Provinsi Kalimantan
    Timur'). Where a value is printed in no position as it is but a few letters away
    (at most `ECHO_EDITS` of them) from a run of a position's words, one of the two
    readings is wrong; each side whose differing words are words the lexicon does not
    know and the agreement prints once only ('Kalin Aman' against 'Kalimantan', 'Ma'
    inserted, 'Logisuk') is flagged, with the other reading in the reason. Words known
    on both sides ('Sekretariat' against 'Sekretaris KPU') are two offices, not a misread.
    Returns (path, reason) pairs."""
    def known(word: str) -> bool:
        return word in lexicon or seen[word] >= 2

    out = []
    for vpath, value in values.items():
        vw = [k for k in map(_word_key, (value or "").split()) if k]
        vtext = " ".join(vw)
        if len(vtext) < 10:
            continue
        best: tuple[int, str, list[str]] | None = None
        for ppath, position in positions.items():
            pw = [k for k in map(_word_key, (position or "").split()) if k]
            for i in range(len(pw)):
                for j in range(i + max(1, len(vw) - 2), min(len(pw), i + len(vw) + 2) + 1):
                    d = Levenshtein.distance(vtext, " ".join(pw[i:j]))
                    if best is None or d < best[0]:
                        best = (d, ppath, pw[i:j])
        if best is None or best[0] == 0 or best[0] > max(1, ECHO_EDITS * len(vtext)):
            continue
        _, ppath, echo = best
        if any(not known(w) for w in vw if w not in echo):
            out.append((vpath, f"{value!r} is printed as {' '.join(echo)!r} in {ppath}: one is misread"))
        if any(not known(w) for w in echo if w not in vw):
            out.append((ppath, f"{' '.join(echo)!r} is printed as {value!r} in {vpath}: one is misread"))
    return out


# words Indonesian names of offices leave in lower case
def title_case(text: str) -> str:
    """A word of four letters or more in lower case, in a name of an office whose other
    words are capitalised, capitalised ('Data dan informasi' -> 'Data dan Informasi': OCR
    reads a small I for a capital one); in a name in capitals, in capitals, as is a word
    in capitals but its first letter ('jAWA'). The words `JOINING_WORDS` stay small."""
    words = text.split(" ")
    cores = [w.strip(".,;:()'\"") for w in words]
    big = [c for c in cores if c.isalpha() and len(c) >= 4 and c.lower() not in JOINING_WORDS]
    low = [i for i, c in enumerate(cores)
           if c in big and (c.islower() or (c[0].islower() and c[1:].isupper()))]
    others = [cores[i] for i, c in enumerate(cores) if c in big and i not in low]
    if not low or len(others) < 2 * len(low) or not all(c[:1].isupper() for c in others):
        return text
    upper = all(c.isupper() for c in others)  # a name in capitals: the word in capitals
    for i in low:
        words[i] = words[i].replace(cores[i], cores[i].upper() if upper else cores[i].capitalize())
    return " ".join(words)


# the posts a position starts with (and their abbreviations): 'Kepala Dinas ...', 'Plt. ...'
POSTS = frozenset("""
kepala sekretaris ketua wakil anggota komisioner kasubbag kasubag kabag kabid kasubbid kasubid kasi kasie
kasubdit kadis kaban karo kabiro sekda sekjen dirjen irjen direktur inspektur gubernur bupati walikota wali
camat sekcam lurah asisten staf pelaksana plt plh pj pejabat koordinator menteri
""".split())


_SECOND_POST = re.compile(rf",\s*({'|'.join(sorted(POSTS))})\b", re.I)


def starts_with_post(position: str) -> bool:
    """Whether a position starts with a post (`POSTS`: 'Kepala', 'Sekretaris', 'Plt.');
    one that does not ('KPU Kabupaten Berau') has lost its beginning."""
    first = position.split()[0].strip(".,;:()'\"").lower() if position.split() else ""
    return first in POSTS


def region_misread(text: str, regions: list[str]) -> str | None:
    """A region of the office misread in a header value: the value holds none of the
    agreement's regions as printed but one of them almost ('Provinsi Ja a Barat'; rapidfuzz
    partial ratio >= 90). None when not."""
    low = text.lower()
    for region in regions:
        if region.lower() in low:
            return None
    for region in regions:
        if len(region) >= 8 and fuzz.partial_ratio(region.lower(), low) >= 90:
            return f"{text!r} may misread the office's region {region!r}"
    return None


_COLON_INSIDE = re.compile(r"\w ?: ?\w")  # two header lines read as one, the second's label lost


def _header_doubts(text: str, path: str, regions: list[str], lexicon: Lexicon, seen: Counter[str],
                   protected: dict[str, str] | None = None) -> list[str]:
    """What is doubtful about a header value read by OCR (`path`: 'title', 'organization',
    'subunit', a party's 'position', 'signed_place'), checked against itself, the
    agreement's regions (and its region's and place's words, `protected`, which no word
    check doubts) and the words the agreement prints more often."""
    office = path.endswith(".position") or path in ("organization", "subunit")
    out = [odd_marks(text) if path != "signed_place" else None]
    if office and text[:1].islower() and not text.islower():
        out.append(f"{text!r} starts with a small letter: its beginning may be lost")
    if path.endswith(".position") and not starts_with_post(text):
        out.append(f"{text!r} does not start with a post (Kepala, Sekretaris, ...): "
                   "its beginning may be lost")
    elif (path == "organization" and len(lexicon)
          and not any(w.strip(".,;:()'\"").lower() in lexicon for w in text.split())):
        out.append(f"{text!r} names no office the lexicon knows")
    second = _SECOND_POST.search(text) if path.endswith(".position") else None
    if second:  # no position of the truth files has one: the other party's read into it
        out.append(f"{text!r} names a second post after a comma ({second.group(1)!r}): two "
                   "positions read as one?")
    if office and re.search(r"\b(?i:provinsi|kabupaten|kota|kab\.?|kecamatan)$", text.strip(" ,.;:")):
        out.append(f"{text!r} ends before the region's name: its last words may be lost")
    if office:  # a word no list knows ('Transmigrasi nsi Jawa'): no truth office name has one
        out.append(non_word(text, lexicon, protected))
    if office and _COLON_INSIDE.search(text):  # no truth office name has one
        out.append(f"{text!r} holds a colon: two lines of the header (a label lost) read as one?")
    if path == "title" and not re.search(r"\b(?:19|20)\d\d\b", text):  # every truth title ends in one
        out.append(f"the title {text!r} prints no year: its end may be lost")
    if path == "title":  # 'PERJANHAN KINERJA': no word of a truth title is unknown
        unknown = [c for c in (w.strip(".,;:()'\"") for w in text.split())
                   if len(c) >= 4 and c.isalpha() and not lexicon.knows(c, SUFFIXES)]
        if unknown:
            out.append(f"{unknown[0]!r} in the title is a word no dictionary knows: a letter may be misread")
    if office or path == "title":
        out.append(region_misread(text, regions))
    if path == "signed_place":  # signed in the office's town, most often: 'Samannda' for 'Samarinda'
        names = {w for r in regions for w in re.findall(r"[^\W\d_]{5,}", r.lower())}
        out += [f"the place {text!r} may misread the office's region {n.capitalize()!r}"
                for w in re.findall(r"[^\W\d_]{5,}", text.lower()) if w not in names
                for n in names if fuzz.ratio(w, n) >= SAME_NAME  # or as alike with a letter
                or _confused_into(w, lambda c, n=n: fuzz.ratio(c, n) >= SAME_NAME)][:1]  # confusion undone
    odd = _near_misses(text, seen, lexicon)
    if odd:
        out.append("; ".join(f"{a!r} may be {b!r}, as elsewhere in this agreement" for a, b in odd))
    out.append(acronym_misses(text, seen))
    return [why for why in out if why]


def year_misread(printed: str, year: int | None) -> bool:
    """Whether a year as printed is no year of an agreement (not 19xx nor 20xx) and one
    digit off the agreement's `year` (from the table, 'Tahun Anggaran 2017'): that year
    with a digit misread ('2617': a '0' read '6')."""
    if year is None or not re.fullmatch(r"\d{4}", printed) or re.fullmatch(r"(19|20)\d{2}", printed):
        return False
    return sum(a != b for a, b in zip(printed, str(year), strict=True)) == 1


def _year_doubts(title: str | None, draft: Draft) -> list[tuple[str, str]]:
    """Doubts about the year a title prints and the date of signing, against the
    agreement's year (the table's, else the title's): a year in the title must be it;
    when it is not a year at all ('TAHUN 201' lost a digit) the title is misread, when it
    is another year, the title or the year. An agreement is signed in its year or in the
    last quarter of the year before ('12 Januari 2025' on an agreement for 2026): if not,
    the date is misread, or the year when the title does not print it too."""
    out = []
    year = draft.year
    m = re.search(r"\btahun\W*(\S+)", title or "", re.I)
    printed = m.group(1).strip(".,:;") if m else None
    if year is not None and printed is not None and printed != str(year):
        if re.fullmatch(r"(19|20)\d{2}", printed):
            why = f"the title's year {printed!r} is not the table's year {year}: one is misread"
            out += [("title", why), ("year", why)]
        else:
            out.append(("title", f"its year {m.group(1)!r} is not the agreement's year {year}"))
    iso = draft.date.iso if draft.date else None
    if year is not None and iso:
        signed_year, month = int(iso[:4]), int(iso[5:7])
        if not (signed_year == year or (signed_year == year - 1 and month >= 10)):
            why = f"signed on {iso}, for the year {year}: check the date"
            out.append(("signed_date", why))
            if printed != str(year):
                out.append(("year", why))
    return out


def finalize(draft: Draft, *, agreement_id: str, file: str, sha256: str,
             knowledge: Knowledge | None = None, reader: Reader | None = None,
             settings: ReviewSettings | None = None, exact: bool = False) -> Agreement:
    """Turn a draft into the contract's agreement, corrected, with review flags."""
    s = settings or ReviewSettings()
    regions = agreement_regions(draft)
    region_printed = times_printed(regions[0], draft) if regions else 0
    protected = protected_words(regions, draft.place.text if draft.place else "")
    seen = _document_words(draft)
    ctx = _Ctx(knowledge or _empty_knowledge(), s, regions, reader, exact, protected, seen)
    warnings = list(draft.warnings)
    # a party the letter may have named in the other's place: both its fields in doubt
    needs = [f"first_party.{f}" for w in warnings if w.startswith("first_party: ") for f in ("name", "position")]

    def text(box: TextBox | None, path: str) -> str | None:
        if box is None or not box.text:
            if path != "subunit":
                needs.append(path)
            return None
        printed = (draft.first_signed if path == "first_party.name" else
                   draft.second_signed if path == "second_party.name" else ())
        named = name_read_again(box, ctx, printed) if path.endswith(".name") and not exact else None
        unsure = _unsure(box, ctx)
        if unsure and named and _read_alike_elsewhere(named[0], box, printed, ctx):
            unsure = []
        if unsure:
            needs.append(path)
            warnings.append(f"{path}: low OCR confidence ({min(w.conf for w in unsure):.2f})")
        if named:
            name, how, doubt = named
            if name != box.text:
                warnings.append(f"{path}: corrected ({how}): {box.text!r} -> {name!r}")
            if how != SAME_AT_FULL:  # two readings of the line that agree outweigh a printing
                doubt = doubt or _printed_otherwise(name, printed)
            doubt = doubt or odd_in_name(name)
            if doubt:
                needs.append(path)
                warnings.append(f"{path}: {doubt}")
            return name
        words = path not in ("signed_place", "first_party.name", "second_party.name")
        if words:  # names of people and places are never corrected from words
            box, fixes, doubts = words_read_again(box, path, ctx)
            for c in fixes:
                warnings.append(f"{path}: corrected (read again at full resolution): {_diff(c)}")
            if doubts:
                needs.append(path)
                warnings.extend(doubts)
        colon = colon_at_full(box, ctx) if words else None
        if colon:
            needs.append(path)
            warnings.append(f"{path}: {colon}")
        again = punctuation_read_again(box, ctx)
        if again != box.text:
            warnings.append(f"{path}: corrected (read again at full resolution): {box.text!r} -> {again!r}")
            box = replace(box, text=again)
        if words and not exact and regions and region_printed >= REGION_PRINTED:
            mended = region_mended(box.text, regions[0])
            if mended is not None:
                warnings.append(f"{path}: corrected (the region as the agreement prints it {region_printed} "
                                f"times): {box.text!r} -> {mended!r}")
                box = replace(box, text=mended)
        if words:
            fixed, fixes = lexicon_fix(box, ctx.knowledge.lexicon, path, exact, ctx.protected)
            for c in fixes:
                warnings.append(f"{path}: corrected from the lexicon: {c.before!r} -> {c.after!r}")
            cased = fixed if exact or path == "title" else title_case(fixed)
            if cased != fixed:
                warnings.append(f"{path}: corrected (rule): {fixed!r} -> {cased!r}")
            box = replace(box, text=cased)
        for why in ([] if exact else _header_doubts(box.text, path, regions, ctx.knowledge.lexicon, seen,
                                                              ctx.protected)):
            needs.append(path)
            warnings.append(f"{path}: {why}")
        return box.text

    title_box = draft.title
    m = re.search(r"\btahun\W*(\d{4})\b", title_box.text if title_box else "", re.I)
    if title_box is not None and m and not exact and year_misread(m.group(1), draft.year):
        mended = title_box.text[:m.start(1)] + str(draft.year) + title_box.text[m.end(1):]
        warnings.append(f"title: corrected (rule: {m.group(1)} is no year, the agreement's is {draft.year}): "
                        f"{title_box.text!r} -> {mended!r}")
        title_box = replace(title_box, text=mended)
    title = text(title_box, "title")
    organization = text(draft.organization, "organization")
    subunit = text(draft.subunit, "subunit")
    if subunit is None and organization and _COLON_INSIDE.search(organization) and not exact:
        needs.append("subunit")  # 'Sekretariat KPU Kota Tarakan : Partisipasi, ...': its label lost
        warnings.append("subunit: none read, and the organization holds a colon: the subunit may be in it")
    if subunit is None and organization is None and not exact:
        needs.append("subunit")  # the heading both are read from lost: a subunit with it?
        warnings.append("subunit: none read, nor the organization: the heading it would be read from "
                        "may be lost")
    first = Party(text(draft.first_name, "first_party.name"), text(draft.first_position, "first_party.position"))
    second = Party(text(draft.second_name, "second_party.name"),
                   text(draft.second_position, "second_party.position"))
    place = text(draft.place, "signed_place")
    echoes = [] if exact else _echo_doubts({"organization": organization, "subunit": subunit},
                                           {"first_party.position": first.position,
                                            "second_party.position": second.position},
                                           seen, ctx.knowledge.lexicon)
    for path, why in echoes:
        needs.append(path)
        warnings.append(f"{path}: {why}")
    signed_date = draft.date.iso if draft.date else None
    signed_raw = draft.date.raw if draft.date else None
    if draft.date is None:
        needs.append("signed_date")
    elif draft.date.year is None:  # 'Januari 201': no date printed in part leaves out the year
        needs.append("signed_date")
        warnings.append(f"signed_date: {draft.date.raw!r} has no year: the date is read in part")
    elif signed_date is None and re.search(r"\d", draft.date.raw.replace(str(draft.date.year), "", 1)):
        # a day printed, the date not read ('2i Apri 2017'); a date printed in part prints
        # none ('April 2017', '... 2017': every such date of the truth files)
        needs.append("signed_date")
        warnings.append(f"signed_date: {draft.date.raw!r} prints a day but could not be read: "
                        "a digit or the month misread?")
    if draft.year is None:
        needs.append("year")
    dated = draft
    if draft.date and signed_date and signed_raw and not exact and year_misread(signed_date[:4], draft.year):
        mended = f"{draft.year}{signed_date[4:]}"
        warnings.append(f"signed_date: corrected (rule: {signed_date[:4]} is no year, the agreement's is "
                        f"{draft.year}): {signed_date!r} -> {mended!r}")
        signed_date, signed_raw = mended, signed_raw.replace(signed_date[:4], str(draft.year))
        dated = replace(draft, date=replace(draft.date, iso=signed_date, raw=signed_raw, year=draft.year))
    for path, doubt in _year_doubts(title, dated):
        needs.append(path)
        warnings.append(f"{path}: {doubt}")
    rows = target_rows(draft, ctx)
    cut = sorted({r.page for r in draft.rows if r.split_by_position})
    if cut:  # the count of rows is a guess there: say so for the row set, not only per row
        warnings.append(f"targets: cells on page {', '.join(map(str, cut))} held several indicators "
                        "with no mark between them, cut by position: rows may be missing or merged")
    goalless = _goalless(rows)
    if goalless:  # the row a merged goal cell began on may be missing
        warnings.append(f"targets: row {', '.join(str(i + 1) for i in goalless)} has no goal, though the "
                        "table has goals: the row its goal cell began on may be missing")
    unruled = sorted({r.page for r in draft.rows if r.cells_cut})
    if unruled:
        pages = ", ".join(map(str, unruled))
        warnings.append(f"targets: the rules inside the table on page {pages} were not found: its cells "
                        "were cut where its other rules stand, rows may be missing or merged")
    guessed = list(dict.fromkeys(r.parent.text for r in draft.rows
                                 if r.parent_guessed and r.parent is not None))
    if guessed:  # a row of its own whose target was lost would be missing: say so for the row set
        warnings.append(f"targets: {', '.join(map(repr, guessed))} (no target) taken for the heading of "
                        "the rows under it (neither marked nor indented): if a row of its own, it is missing")
    if any(r.continued and two_goals(r.goal.text) for r in draft.rows):  # a row cut at the page's foot
        warnings.append("targets: a row joined across a page break holds two goals: it may be two rows")
    blank = [i for i, r in enumerate(rows, 1) if not r.indicator.strip()]
    if blank:  # its indicator read into the goal beside it, or lost: no truth row has none
        warnings.append(f"targets: row {', '.join(map(str, blank))} has no indicator: its cells may be "
                        "merged with another row's or a column's, rows may be missing")
    listed = [i for i, r in enumerate(rows, 1) if items_inside(r.indicator)]
    if listed:  # the items are rows of their own, each with its target: the row set is short
        warnings.append(f"targets: the indicator of row {', '.join(map(str, listed))} holds list items: "
                        "rows may be missing")
    swallowed = [r.section for r in draft.rows if r.kind != "data" and r.section
                 and (GOAL_NOUN.search(r.section) or TARGET_IN_TEXT.search(r.section))]
    if swallowed:  # a goal's first word or a target inside a heading: a row's cells read into it
        warnings.append(f"targets: the heading {swallowed[0]!r} holds a goal's word or a target: a row read "
                        "into it, rows may be missing")
    lines = budget(draft, ctx)
    gap = budget_gap(draft.budget)
    if gap:
        needs.append("budget")
        warnings.append(f"budget: {gap}")
    merged = [i for i, b in enumerate(draft.budget, 1) if _two_lines_in_name(b.name.text)]
    if merged:
        warnings.append(f"budget: the name of line {', '.join(map(str, merged))} holds another line's "
                        "number or an 'Rp': that line's amount was lost, lines may be missing")
    if not draft.has_table:
        needs.append("targets")
    if not lines:  # the budget list is looked for after the target table
        warnings.append("budget: no budget list found after the target table" if draft.has_table
                        else "budget: no budget list found (nor the target table it follows)")
    return Agreement(
        agreement_id=agreement_id,
        source=Source(file, sha256, draft.pages),
        title=title, year=draft.year, organization=organization, subunit=subunit,
        first_party=first, second_party=second, signed_place=place, signed_date=signed_date,
        signed_date_raw=signed_raw, targets=tuple(rows), budget=tuple(lines),
        needs_review=tuple(dict.fromkeys(needs)), warnings=tuple(warnings),
    )


__all__ = ["Knowledge", "ReadKey", "Reader", "ReviewSettings", "finalize", "lexicon_fix", "load_knowledge"]
