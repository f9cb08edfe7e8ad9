"""The catalogue of canonical indicators and the lexicon of domain words (`corrections/`).

`catalogue.csv` (format in its header): indicators, strategic goals, programs and
activities, with `{region}` standing for the office's region so that one entry
serves every office ("KPU {region}" is "KPU Kota Bontang" and "KPU Kabupaten
Paser"). `lexicon.txt`: one word a line, the words free text may be corrected to.

Matching (`Catalogue.match`) compares a text, with its region mentions replaced by
the slot, against every entry of a kind with rapidfuzz's normalised Indel ratio;
it reports the best entry, its score and its margin over the runner-up. Whether
that is a clear match is the caller's decision (thresholds in `correct.py`,
calibrated in benchmarks/calibrate_catalogue.py).
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import ascii_lowercase

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .errors import CatalogueError

log = logging.getLogger(__name__)

SLOT = "{region}"
KINDS = ("indicator", "goal", "program", "activity")
_REGION_WORDS = r"(?:Kota|Kabupaten|Kab\.?|Provinsi|Prov\.?)"
_REGION_AT_END = re.compile(rf"\b(?i:{_REGION_WORDS})\s+[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){{0,3}}\s*$")


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    kind: str
    text: str
    program: str | None
    activity: str | None
    unit: str | None
    lo: float | None
    hi: float | None

    @property
    def key(self) -> str:
        return norm(self.text)


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    score: float  # 0..100
    margin: float  # score minus the runner-up's
    text: str  # the canonical text with the document's own region filled in


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def regions_in(text: str) -> list[str]:
    """The region an office name ends with: 'Sekretariat KPU Kota Bontang' -> ['Kota Bontang']."""
    m = _REGION_AT_END.search(text.strip().rstrip(",."))
    return [m.group(0).strip()] if m else []


class Catalogue:
    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = tuple(entries)
        self._by_kind: dict[str, list[Entry]] = {k: [] for k in KINDS}
        for e in self.entries:
            self._by_kind[e.kind].append(e)
        self._keys = {k: [e.key for e in v] for k, v in self._by_kind.items()}

    def __len__(self) -> int:
        return len(self.entries)

    def of(self, kind: str) -> list[Entry]:
        return self._by_kind[kind]

    def by_id(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def match(self, text: str, kind: str, regions: Sequence[str] = ()) -> Match | None:
        """The closest entry of `kind` to `text` (None when the catalogue has none)."""
        entries = self._by_kind.get(kind) or []
        if not entries or not text.strip():
            return None
        slotted, found = _slot_regions(text, regions)
        got = process.extract(norm(slotted), self._keys[kind], scorer=fuzz.ratio, limit=2)
        if not got:
            return None
        best_key, score, idx = got[0]
        runner = got[1][1] if len(got) > 1 else 0.0
        entry = entries[idx]
        return Match(entry, float(score), float(score - runner), _fill(entry.text, found, regions))


def _slot_regions(text: str, regions: Sequence[str]) -> tuple[str, list[str]]:
    """Replace each mention of a known region (fuzzily, as printed) by the slot, in reading order."""
    words = list(re.finditer(r"\S+", text))
    spans: list[tuple[int, int, str]] = []
    for region in sorted(set(r for r in regions if r), key=len, reverse=True):
        n = len(region.split())
        for size in {n, n + 1} - {0}:
            for i in range(len(words) - size + 1):
                a, b = words[i].start(), words[i + size - 1].end()
                if any(a < e and b > s for s, e, _ in spans):
                    continue
                cand = text[a:b].strip(",.;:()")
                if fuzz.ratio(region.lower(), cand.lower()) >= 85:
                    spans.append((a, a + len(text[a:b].rstrip(",.;:()")), cand))
    spans.sort()
    out, pos, found = "", 0, []
    for a, b, cand in spans:
        out += text[pos:a] + SLOT
        found.append(cand)
        pos = b
    return out + text[pos:], found


def guess_regions(texts: Iterable[str]) -> list[str]:
    """The region most texts of an agreement name ('Kota Bontang'), when no header gives it."""
    counts: dict[str, int] = {}
    rx = re.compile(rf"\b{_REGION_WORDS}\s+[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){{0,2}}")
    for t in texts:
        for m in rx.finditer(t):
            ws = m.group(0).split()
            for n in range(2, len(ws) + 1):
                c = " ".join(ws[:n])
                counts[c] = counts.get(c, 0) + 1
    if not counts:
        return []
    top = max(counts.values())
    if top < 2:
        return []
    best = [c for c, k in counts.items() if k >= 0.6 * top]
    return [max(best, key=lambda c: (counts[c] >= top * 0.9, len(c)))]


def _fill(template: str, found: Sequence[str], regions: Sequence[str]) -> str:
    """Fill the slots with the document's region: the known spelling where the read one is close."""
    parts = template.split(SLOT)
    if len(parts) == 1:
        return template
    out = parts[0]
    for i, part in enumerate(parts[1:]):
        read = found[i] if i < len(found) else (regions[0] if regions else SLOT)
        best = max(regions, key=lambda r: fuzz.ratio(r, read), default=read)
        out += (best if regions and fuzz.ratio(best, read) >= 80 else read) + part
    return out


def _float(v: str, path: Path, line: int, col: str) -> float | None:
    v = v.strip()
    if not v:
        return None
    try:
        return float(v.replace(",", "."))
    except ValueError as exc:
        raise CatalogueError(f"{path}:{line}: {col} must be a number, got {v!r}") from exc


def load_catalogue(path: Path) -> Catalogue:
    """Read a catalogue CSV (or the `catalogue.csv` of a folder). A missing file is an empty catalogue."""
    p = Path(path)
    if p.is_dir():
        p = p / "catalogue.csv"
    if not p.exists():
        log.warning("no catalogue at %s: every indicator will be 'not in catalogue', no word corrected "
                    "from a lexicon (run from the project folder, or pass --corrections)", p)
        return Catalogue(())
    return _load(str(p.resolve()), p.stat().st_mtime_ns)


@cache
def _load(path_s: str, _mtime: int) -> Catalogue:
    path = Path(path_s)
    try:
        raw = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read the catalogue ({exc})") from exc
    lines = [ln for ln in raw.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    need = {"id", "kind", "text", "program", "activity", "unit", "min", "max"}
    if reader.fieldnames is None or not need <= set(reader.fieldnames):
        raise CatalogueError(f"{path}: the header must name the columns {', '.join(sorted(need))}")
    entries = []
    ids: set[str] = set()
    for n, row in enumerate(reader, 2):
        kind = (row["kind"] or "").strip()
        text = re.sub(r"\s+", " ", row["text"] or "").strip()
        if kind not in KINDS:
            raise CatalogueError(f"{path}: entry {n}: kind must be one of {', '.join(KINDS)}, got {kind!r}")
        if not text:
            raise CatalogueError(f"{path}: entry {n}: empty text")
        eid = (row["id"] or "").strip()
        if kind == "indicator" and not eid:
            raise CatalogueError(f"{path}: entry {n}: an indicator needs an id")
        if eid and eid in ids:
            raise CatalogueError(f"{path}: entry {n}: id {eid} is used twice")
        ids.add(eid)
        lo, hi = _float(row["min"], path, n, "min"), _float(row["max"], path, n, "max")
        if lo is not None and hi is not None and lo > hi:
            raise CatalogueError(f"{path}: entry {n}: min {lo:g} is above max {hi:g}")
        entries.append(Entry(eid, kind, text, (row["program"] or "").strip() or None,
                             (row["activity"] or "").strip() or None, (row["unit"] or "").strip() or None,
                             lo, hi))
    return Catalogue(entries)


# --------------------------------------------------------------------------- lexicon


SUFFIXES = ("nya", "lah", "kan", "an", "i")  # Indonesian endings a known word takes


class Lexicon:
    """Words free text may be corrected to (lower case): the domain's, and a language's
    `dictionary` (Tesseract's word list) for the one letter OCR confuses in a word; and
    the `foreign` words of the other language read (English: 'Avian', 'Occupancy'),
    known as printed but never a correction's target."""

    def __init__(self, words: Iterable[str], dictionary: frozenset[str] = frozenset(),
                 foreign: frozenset[str] = frozenset(), spelled: Iterable[str] = ()) -> None:
        self.words = frozenset(w.lower() for w in words if w)
        # terms with capitals of their own ('SiRUP'), by their letters in lower case
        self.spelled = {w.lower(): w for w in spelled if w != w.lower()}
        self.dictionary = dictionary
        self.foreign = foreign
        self._list = sorted(self.words)

    def __contains__(self, word: str) -> bool:
        return word.lower() in self.words

    def knows(self, word: str, endings: Sequence[str] = ()) -> bool:
        """True for a word of the domain or of the language, or such a word with one of
        `endings` ('tersebarnya': 'tersebar' and '-nya')."""
        w = word.lower()
        return (w in self.words or w in self.dictionary
                or any(w.endswith(e) and len(w) - len(e) >= 4 and self.knows(w[:-len(e)]) for e in endings))

    def __len__(self) -> int:
        return len(self.words)

    def misread_of(self, word: str) -> list[str]:
        """The known words (`knows`) that `word`, of five letters or more and known neither
        itself nor as a known word with a suffix ('Terjaminnya', 'kegiatannya'), becomes
        when one of its letters is another ('menulai': 'menilai', 'menular'); sorted.
        Letters only: OCR misreads a letter as another more than it drops or adds one."""
        w = word.lower()
        if len(w) < 5 or not w.isascii() or not w.isalpha() or self.knows(w, SUFFIXES) or w in self.foreign:
            return []
        return sorted({c for i in range(len(w)) for ch in ascii_lowercase if ch != w[i]
                       for c in (w[:i] + ch + w[i + 1:],) if self.knows(c)})

    def closest(self, word: str) -> tuple[str, int] | None:
        """The one lexicon word within 1 edit (2 for words of 8+ letters) of `word`, if unique."""
        w = word.lower()
        if len(w) < 4 or w in self.words:
            return None
        limit = 2 if len(w) >= 8 else 1
        got = process.extract(w, self._list, scorer=Levenshtein.distance, score_cutoff=limit, limit=3)
        if not got:
            return None
        best = got[0][1]
        ties = [g for g in got if g[1] == best]
        if len(ties) > 1:
            return None
        return got[0][0], int(best)

    def near(self, word: str, score: float) -> bool:
        """Whether a lexicon word is this alike (`fuzz.ratio`, lower case) to `word`."""
        return process.extractOne(word.lower(), self._list, scorer=fuzz.ratio, score_cutoff=score) is not None


def load_lexicon(folder: Path, catalogue: Catalogue | None = None) -> Lexicon:
    """`lexicon.txt` of the corrections folder plus every word of the catalogue, and its
    `dictionary.txt` (the language's words) and `english.txt.gz` (the other's) beside them."""
    p = Path(folder) if Path(folder).is_dir() else Path(folder).parent
    words = set(_word_file(p / "lexicon.txt"))
    if catalogue is not None:
        for e in catalogue.entries:
            words.update(tokens(e.text.replace(SLOT, " ")))
    spelled = _word_file(p / "lexicon.txt", lower=False)
    return Lexicon(words, _word_file(p / "dictionary.txt"), _word_file(p / "english.txt.gz"), spelled)


def _word_file(f: Path, lower: bool = True) -> frozenset[str]:
    """The words of a list, one a line, in lower case (or as written); '#' starts a comment
    line (read once a process while the file is unchanged: every agreement loads its
    knowledge)."""
    return _words(str(f), f.stat().st_mtime_ns, lower) if f.exists() else frozenset()


@cache
def _words(path: str, _mtime: int, lower: bool) -> frozenset[str]:
    data = Path(path).read_bytes()
    text = (gzip.decompress(data) if path.endswith(".gz") else data).decode("utf-8")
    lines = (ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    return frozenset(ln.lower() for ln in lines) if lower else frozenset(lines)


def tokens(text: str) -> list[str]:
    return [t.lower() for t in re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]|[A-Za-z]", text)]
