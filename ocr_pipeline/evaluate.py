"""Score a batch of extracted agreements against a hand-keyed sample (the truth).

`ocr-pipeline evaluate OUTPUT_DIR TRUTH...` calls `evaluate(output_dir, truth_paths)`
and prints `EvalReport.format()`; `EvalReport.to_json()` holds every figure, in total
and per agreement.

Inputs
------
* Output: every `OUTPUT_DIR/agreements/*.json`. A file that is not JSON, not a JSON
  object, or has no string `source.file` is a *malformed document*: it is counted,
  named, and otherwise ignored. A document that breaks `agreement.schema.json` in any
  other way (a missing field, a wrong type) is an *invalid document*: it is counted and
  still scored, every unusable value reading as missing (a `targets` that is not a
  list has no rows). A missing folder means no output at all. Nothing in the output
  makes the scorer fail.
* Truth: each TRUTH argument is a JSON file holding a list of agreement objects (the
  same schema), or a folder, of which every `*.truth.json` below it is taken. The
  agreements' `source.file` (compared by basename) names their source file and their
  order in the list is document order. Unreadable truth raises `BadArgsError`: a score
  against broken truth means nothing. Schema violations in the truth are only logged.
* `OUTPUT_DIR/manifest.json` (optional): `{"files": [...]}` or a bare list; an entry
  whose `status` is `"failed"` marks the basename of its `file` (or `source`, `input`,
  `path`) as a failed source file.

Output documents whose source file has no truth are outside the sample: counted as
*unscored documents* and ignored.

Pairing agreements
------------------
Within one source file, each truth agreement is paired with at most one output
agreement and vice versa, greedily, best similarity first (ties: truth document order,
then output order, i.e. first page then agreement_id). The similarity is the mean of
five parts, each in 0..1: first_party.name, first_party.position and subunit (rapidfuzz
ratio of the case-folded, whitespace-collapsed text; two nulls are 1, one null is 0),
page overlap (Jaccard of `source.pages`) and row overlap (rows aligned as below over the
larger number of target rows plus budget lines; 1 when both have none). A pair needs a
similarity of at least `AGREEMENT_MIN_SIMILARITY` (0.3). A truth agreement left over is
*missed* (*failed* when the manifest lists its file as failed); an output agreement left
over is *spurious* and its rows are all spurious.

Aligning rows
-------------
Target rows (and, separately, budget lines) of a pair are aligned order-preserving: a
dynamic programme picks the pairs of rows, never crossing, that maximise the summed
similarity, among pairs with a similarity of at least `ROW_MIN_SIMILARITY` (0.7). Row
similarity, on case-folded, whitespace-collapsed text with rapidfuzz's `fuzz.ratio`:

* target rows: (2 x ratio(indicator) + ratio(strategic_goal)) / 3;
* budget lines: ratio(name), plus 0.05 (at most 1) when the amounts are equal.

0.7 keeps a row whose text has about one character in five misread; unrelated rows
rarely reach it (rows of one table share wording such as "Persentase KPU Kota ...",
which is why the alignment also keeps document order). Truth rows left over are
*missed*, output rows left over are *spurious*.

Comparing values
----------------
Text is compared after collapsing runs of whitespace and stripping, with the dash glyphs
-, – and — taken as one (a scan does not tell them apart); an empty string
equals null. Case matters (spelling is scored) except for first_party.name and
second_party.name, which compare case-folded (names are printed in capitals in some
places). `year`, `target.value` and budget `amount` compare as numbers (|a - b| <=
1e-9; a number in a string is wrong). `signed_date` compares as text. `target.raw` is
informational only (reported, never in silent errors or false alarms), and compares
with the space before `%` dropped: `100 %` equals `100%`. `indicator_parent` compares
without the colon that closes a list heading (`Jumlah populasi ternak (ekor) :` equals
`Jumlah populasi ternak (ekor)`): it introduces the list, it is not the heading's text.

Figures (`to_json()`: `summary`, and the same blocks per agreement in `agreements`)
----------------------------------------------------------------------------------
* header: for each of `HEADER_FIELDS`, the fraction of paired agreements whose value
  is right; `all_right`: paired agreements with every header field right.
* targets / budget: `recall` = matched truth rows / truth rows, `precision` = matched /
  output rows (rows of paired and spurious agreements; the rows of a missed agreement
  are all missed). Per field (targets: program, activity, strategic_goal, indicator,
  indicator_parent, target.value, target.unit, and target.raw for information; budget:
  name, amount): `accuracy_matched` = right / matched rows and `accuracy_truth` =
  right / truth rows (a missed row is wrong in every field).
* cer: character error rate = Levenshtein edits / characters of the truth, summed over
  first_party and second_party name and position of paired agreements and
  strategic_goal, indicator and budget name of matched rows, compared as above
  (names case-folded). Missed rows are not in it (recall counts them).
* silent_errors: a value that is wrong or missing and was not flagged. One for each
    - header field that is wrong while neither its dotted path nor its parent
      (`first_party`) is in the agreement's `needs_review`;
    - field of a matched row that is wrong while the output row's `needs_review` is
      not true;
    - missed row, unless rows of its kind are flagged as possibly missing (below);
      the rows of a missed agreement count too, unless its file failed;
    - spurious row whose own `needs_review` is not true;
    - missed agreement (unless its file failed) and spurious agreement.
  "Rows may be missing" convention: an output agreement whose `needs_review` list
  holds `"targets"` (or `"budget"`), or one of whose `warnings` starts with
  `"targets:"` (or `"budget:"`), says that target rows (budget lines) may be missing;
  missed rows of that kind are then flagged, not silent.
* false_alarms: a flag on a value that was right. One for each matched row whose
  `needs_review` is true and whose every scored field is right, each header path in
  `needs_review` whose value is right, and each "rows may be missing" flag of a paired
  agreement where no row of that kind was missed. `row_rate` = row false alarms /
  output rows.
* agreements: truth, output (scored), paired, missed, failed, spurious.
* documents (total only): output documents read, malformed, invalid, unscored, and
  `failed_files`, the truth source files the manifest lists as failed (a missed
  agreement there is a loud failure, not a silent error).
* rows (per agreement only): every aligned, missed and spurious row with its 1-based
  truth and output index, similarity, flag and the fields found wrong.

A ratio whose denominator is 0 is null in JSON and "n/a" in the text report.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .errors import BadArgsError
from .records import HEADER_FIELDS, header_value
from .stages.export import AGREEMENTS_DIR, schema_errors

log = logging.getLogger(__name__)

AGREEMENT_MIN_SIMILARITY = 0.3
ROW_MIN_SIMILARITY = 0.7
SAME_AMOUNT_BONUS = 0.05
NUMBER_TOLERANCE = 1e-9
READ_ERRORS = (OSError, ValueError, RecursionError)  # ValueError covers JSON and UTF-8 errors

KINDS = ("targets", "budget")
SCORED_FIELDS = {
    "targets": ("program", "activity", "strategic_goal", "indicator", "indicator_parent",
                "target.value", "target.unit"),
    "budget": ("name", "amount"),
}
INFO_FIELDS = {"targets": ("target.raw",), "budget": ()}
CER_FIELDS = {
    "header": ("first_party.name", "first_party.position", "second_party.name",
               "second_party.position"),
    "targets": ("strategic_goal", "indicator"),
    "budget": ("name",),
}
NUMERIC_FIELDS = frozenset({"year", "target.value", "amount"})
FOLDED_FIELDS = frozenset({"first_party.name", "second_party.name"})

PAIRED, MISSED, FAILED, SPURIOUS = "paired", "missed", "failed", "spurious"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class HeaderCheck:
    """One header field of a paired agreement."""

    field: str
    right: bool
    flagged: bool


@dataclass(frozen=True, slots=True)
class RowCheck:
    """One aligned, missed or spurious target row or budget line."""

    kind: str  # "targets" or "budget"
    truth_row: int | None  # 1-based index in the truth list; None: spurious
    output_row: int | None  # 1-based index in the output list; None: missed
    similarity: float
    flagged: bool  # output row's needs_review; for a missed row, "rows may be missing"
    wrong: tuple[str, ...]  # fields that differ (scored and informational)

    @property
    def matched(self) -> bool:
        return self.truth_row is not None and self.output_row is not None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "truth_row": self.truth_row, "output_row": self.output_row,
                "similarity": round(self.similarity, 4), "flagged": self.flagged,
                "wrong": list(self.wrong)}


@dataclass(frozen=True, slots=True)
class TextCheck:
    """Edit distance of one text value (for the character error rate)."""

    field: str  # header path, or "targets.indicator", "budget.name", ...
    edits: int
    chars: int


@dataclass(frozen=True, slots=True)
class AgreementResult:
    """How one truth agreement (or one spurious output agreement) scored."""

    source_file: str
    status: str  # paired, missed, failed, spurious
    truth_id: str | None
    output_id: str | None
    similarity: float | None
    header: tuple[HeaderCheck, ...] = ()
    rows: tuple[RowCheck, ...] = ()
    texts: tuple[TextCheck, ...] = ()
    row_flags: tuple[str, ...] = ()  # kinds the output flags as "rows may be missing"

    def to_json(self) -> dict[str, Any]:
        return {
            "source_file": self.source_file, "status": self.status,
            "truth_id": self.truth_id, "output_id": self.output_id,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            **figures((self,)),
            "rows": [r.to_json() for r in self.rows],
        }


@dataclass(frozen=True, slots=True)
class OutputDoc:
    """One readable output document and where it came from."""

    name: str  # file name under agreements/
    doc: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Everything `evaluate` found; figures are computed from it on demand."""

    output_dir: str
    truth_files: tuple[str, ...]
    agreements: tuple[AgreementResult, ...]
    output_documents: int = 0
    malformed_documents: tuple[str, ...] = ()
    invalid_documents: tuple[str, ...] = ()
    unscored_documents: tuple[str, ...] = ()
    failed_files: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """Every figure, in total (`summary`) and per agreement."""
        return {
            "output_dir": self.output_dir,
            "truth_files": list(self.truth_files),
            "thresholds": {"agreement_min_similarity": AGREEMENT_MIN_SIMILARITY,
                           "row_min_similarity": ROW_MIN_SIMILARITY},
            "documents": {
                "output": self.output_documents,
                "malformed": len(self.malformed_documents),
                "malformed_files": list(self.malformed_documents),
                "invalid": len(self.invalid_documents),
                "invalid_files": list(self.invalid_documents),
                "unscored": len(self.unscored_documents),
                "unscored_files": list(self.unscored_documents),
                "failed_files": len(self.failed_files),
                "failed_file_names": list(self.failed_files),
            },
            "summary": figures(self.agreements),
            "agreements": [a.to_json() for a in self.agreements],
        }

    def format(self) -> str:
        """A human-readable report of the main figures."""
        return format_report(self.to_json())


# --------------------------------------------------------------------------- values


def basename(path: Any) -> str:
    """Last component of a POSIX or Windows path ('' for anything else)."""
    if not isinstance(path, str):
        return ""
    return PureWindowsPath(PurePosixPath(path).name).name


_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-"})


def collapse(text: str) -> str:
    """Whitespace collapsed; dash glyphs (-, –, —) read as one: a scan cannot tell them apart."""
    return " ".join(text.translate(_DASHES).split())


def text_key(field: str, value: str | None) -> str | None:
    """The text a field is compared by: whitespace collapsed, names case-folded."""
    if value is None:
        return None
    text = collapse(value)
    if field == "target.raw":
        text = re.sub(r"\s+%", "%", text)
    if field == "indicator_parent":
        text = re.sub(r"\s*:$", "", text)
    if field in FOLDED_FIELDS:
        text = text.casefold()
    return text or None


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def same_value(field: str, truth: Any, out: Any) -> bool:
    """Whether the output value of `field` counts as right (see the module docstring)."""
    if field in NUMERIC_FIELDS:
        if truth is None or out is None:
            return truth is None and out is None
        return is_number(truth) and is_number(out) and abs(truth - out) <= NUMBER_TOLERANCE
    if not all(v is None or isinstance(v, str) for v in (truth, out)):
        return False
    return text_key(field, truth) == text_key(field, out)


def text_check(field: str, key: str, truth: Any, out: Any) -> TextCheck:
    t = (text_key(field, truth) if isinstance(truth, str) else None) or ""
    o = (text_key(field, out) if isinstance(out, str) else None) or ""
    return TextCheck(key, Levenshtein.distance(t, o), len(t))


def strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def rows_of(doc: dict[str, Any], kind: str) -> tuple[dict[str, Any], ...]:
    value = doc.get(kind)
    return tuple(r for r in value if isinstance(r, dict)) if isinstance(value, list) else ()


def pages_of(doc: dict[str, Any]) -> frozenset[int]:
    pages = header_value(doc, "source.pages")
    return frozenset(p for p in pages if is_number(p)) if isinstance(pages, list) else frozenset()


def row_flagged(row: dict[str, Any]) -> bool:
    return row.get("needs_review") is True


def row_set_flags(doc: dict[str, Any]) -> tuple[str, ...]:
    """Kinds of row the document says may be missing (the "rows may be missing" flag)."""
    review = strings(doc.get("needs_review"))
    warnings = strings(doc.get("warnings"))
    return tuple(k for k in KINDS
                 if k in review or any(w.startswith(f"{k}:") for w in warnings))


def header_flagged(doc: dict[str, Any], path: str) -> bool:
    review = strings(doc.get("needs_review"))
    return path in review or path.split(".")[0] in review


# --------------------------------------------------------------------------- reading


def read_json(path: Path) -> Any:
    return json.loads(path.read_text("utf-8"))


def truth_files(paths: Sequence[Path]) -> tuple[Path, ...]:
    """The truth files named: files as given, folders expanded to their `*.truth.json`."""
    if not paths:
        raise BadArgsError("no truth given: name at least one truth file or folder")
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            inside = sorted(p.rglob("*.truth.json"))
            if not inside:
                raise BadArgsError(f"no *.truth.json files in folder {p}")
            found.extend(inside)
        elif p.is_file():
            found.append(p)
        else:
            raise BadArgsError(f"truth file {p} does not exist: check the path")
    return tuple(dict.fromkeys(f.resolve() for f in found))


def read_truth(path: Path) -> tuple[dict[str, Any], ...]:
    """The agreements of one truth file, in document order; raise `BadArgsError` if unusable."""
    try:
        docs = read_json(path)
    except READ_ERRORS as exc:
        raise BadArgsError(f"cannot read truth file {path}: {exc}") from exc
    if not isinstance(docs, list):
        raise BadArgsError(f"truth file {path} must hold a JSON list of agreements")
    for i, doc in enumerate(docs, 1):
        if not isinstance(doc, dict) or not basename(header_value(doc, "source.file")):
            raise BadArgsError(f"truth file {path}, agreement {i}: not an agreement object "
                               "with a source.file; fix the truth file")
        errors = schema_errors(doc)
        if errors:
            log.warning("truth file %s, agreement %d breaks the contract: %s", path, i,
                        "; ".join(errors[:3]))
    return tuple(docs)


def read_outputs(output_dir: Path) -> tuple[tuple[OutputDoc, ...], tuple[str, ...],
                                            tuple[str, ...], int]:
    """Readable output documents, malformed and invalid file names, files seen."""
    folder = Path(output_dir) / AGREEMENTS_DIR
    if not folder.is_dir():
        log.warning("no output folder %s: every truth agreement is missed", folder)
        return (), (), (), 0
    files = sorted(folder.glob("*.json"))
    docs: list[OutputDoc] = []
    malformed: list[str] = []
    invalid: list[str] = []
    for path in files:
        try:
            doc = read_json(path)
        except READ_ERRORS as exc:
            log.warning("malformed output %s: %s", path.name, exc)
            malformed.append(path.name)
            continue
        if not isinstance(doc, dict) or not basename(header_value(doc, "source.file")):
            log.warning("malformed output %s: not an agreement with a source.file", path.name)
            malformed.append(path.name)
            continue
        if schema_errors(doc):
            log.warning("output %s breaks the contract; scoring what is usable", path.name)
            invalid.append(path.name)
        docs.append(OutputDoc(path.name, doc))
    return tuple(docs), tuple(malformed), tuple(invalid), len(files)


def read_failed_files(output_dir: Path) -> frozenset[str]:
    """Basenames of the source files `manifest.json` lists with status "failed"."""
    path = Path(output_dir) / "manifest.json"
    if not path.is_file():
        return frozenset()
    try:
        manifest = read_json(path)
    except READ_ERRORS as exc:
        log.warning("ignoring unreadable manifest %s: %s", path, exc)
        return frozenset()
    entries = manifest.get("files") if isinstance(manifest, dict) else manifest
    if not isinstance(entries, list):
        return frozenset()
    return frozenset(
        basename(next((e[k] for k in ("file", "source", "input", "path") if k in e), None))
        for e in entries if isinstance(e, dict) and e.get("status") == "failed"
    ) - {""}


def output_id(out: OutputDoc) -> str:
    ident = out.doc.get("agreement_id")
    return ident if isinstance(ident, str) and ident else Path(out.name).stem


def truth_id(doc: dict[str, Any], file: str, index: int) -> str:
    ident = doc.get("agreement_id")
    return ident if isinstance(ident, str) and ident else f"{file}#{index}"


def document_order(out: OutputDoc) -> tuple[int, str]:
    pages = pages_of(out.doc)
    return (min(pages) if pages else 1 << 30, output_id(out))


# --------------------------------------------------------------------------- alignment


def match_text(value: Any) -> str:
    return collapse(value).casefold() if isinstance(value, str) else ""


def ratio_matrix(truth: Sequence[Any], out: Sequence[Any]) -> np.ndarray:
    if not truth or not out:
        return np.zeros((len(truth), len(out)))
    return process.cdist([match_text(v) for v in truth], [match_text(v) for v in out],
                         scorer=fuzz.ratio, dtype=np.float64) / 100.0


def row_similarity(kind: str, truth: Sequence[dict[str, Any]],
                   out: Sequence[dict[str, Any]]) -> np.ndarray:
    """Similarity of every truth row to every output row of one kind, 0..1."""
    def col(rows: Sequence[dict[str, Any]], key: str) -> list[Any]:
        return [r.get(key) for r in rows]

    if kind == "targets":
        return (2 * ratio_matrix(col(truth, "indicator"), col(out, "indicator"))
                + ratio_matrix(col(truth, "strategic_goal"), col(out, "strategic_goal"))) / 3
    same_amount = np.array([[same_value("amount", t.get("amount"), o.get("amount"))
                             and t.get("amount") is not None for o in out] for t in truth],
                           dtype=np.float64).reshape(len(truth), len(out))
    names = ratio_matrix(col(truth, "name"), col(out, "name"))
    return np.minimum(1.0, names + SAME_AMOUNT_BONUS * same_amount)


def align(sim: np.ndarray, threshold: float) -> tuple[tuple[int | None, int | None], ...]:
    """Order-preserving alignment maximising the summed similarity of pairs >= threshold.

    Returns (truth index, output index) steps in document order; None marks a gap.
    """
    n, m = sim.shape
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = sim[i, j] + best[i + 1][j + 1] if sim[i, j] >= threshold else -1.0
            best[i][j] = max(take, best[i + 1][j], best[i][j + 1])
    steps: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n and j < m:
        if sim[i, j] >= threshold and best[i][j] == sim[i, j] + best[i + 1][j + 1]:
            steps.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            steps.append((i, None))
            i += 1
        else:
            steps.append((None, j))
            j += 1
    steps.extend((k, None) for k in range(i, n))
    steps.extend((None, k) for k in range(j, m))
    return tuple(steps)


def align_rows(kind: str, truth: Sequence[dict[str, Any]], out: Sequence[dict[str, Any]]
               ) -> tuple[tuple[int | None, int | None, float], ...]:
    sim = row_similarity(kind, truth, out)
    return tuple((i, j, float(sim[i, j]) if i is not None and j is not None else 0.0)
                 for i, j in align(sim, ROW_MIN_SIMILARITY))


def ratio(a: Any, b: Any) -> float:
    a_text, b_text = match_text(a), match_text(b)
    if not a_text or not b_text:
        return float(a_text == b_text)
    return fuzz.ratio(a_text, b_text) / 100.0


def agreement_similarity(truth: dict[str, Any], out: dict[str, Any]) -> float:
    """Mean of name, position, subunit, page-overlap and row-overlap similarity."""
    t_pages, o_pages = pages_of(truth), pages_of(out)
    pages = len(t_pages & o_pages) / len(t_pages | o_pages) if t_pages | o_pages else 0.0
    matched = sum(1 for k in KINDS for i, j, _ in align_rows(k, rows_of(truth, k), rows_of(out, k))
                  if i is not None and j is not None)
    larger = sum(max(len(rows_of(truth, k)), len(rows_of(out, k))) for k in KINDS)
    rows = matched / larger if larger else 1.0
    parts = [ratio(header_value(truth, p), header_value(out, p))
             for p in ("first_party.name", "first_party.position", "subunit")]
    return (sum(parts) + pages + rows) / 5


def pair_agreements(truth: Sequence[dict[str, Any]], out: Sequence[OutputDoc]
                    ) -> tuple[tuple[int, int, float], ...]:
    """One-to-one (truth index, output index, similarity) pairs, greedy best first."""
    candidates = sorted(
        (-s, i, j) for i, t in enumerate(truth) for j, o in enumerate(out)
        if (s := agreement_similarity(t, o.doc)) >= AGREEMENT_MIN_SIMILARITY
    )
    pairs: list[tuple[int, int, float]] = []
    used_t: set[int] = set()
    used_o: set[int] = set()
    for neg, i, j in candidates:
        if i not in used_t and j not in used_o:
            pairs.append((i, j, -neg))
            used_t.add(i)
            used_o.add(j)
    return tuple(sorted(pairs))


# --------------------------------------------------------------------------- scoring


def wrong_fields(kind: str, truth: dict[str, Any], out: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f for f in SCORED_FIELDS[kind] + INFO_FIELDS[kind]
                 if not same_value(f, header_value(truth, f), header_value(out, f)))


def score_rows(kind: str, truth: dict[str, Any], out: dict[str, Any]
               ) -> tuple[tuple[RowCheck, ...], tuple[TextCheck, ...]]:
    """Row checks and CER texts of one kind for a paired agreement."""
    t_rows, o_rows = rows_of(truth, kind), rows_of(out, kind)
    may_miss = kind in row_set_flags(out)
    all_fields = SCORED_FIELDS[kind] + INFO_FIELDS[kind]
    checks: list[RowCheck] = []
    texts: list[TextCheck] = []
    for i, j, sim in align_rows(kind, t_rows, o_rows):
        if i is not None and j is None:
            checks.append(RowCheck(kind, i + 1, None, 0.0, may_miss, all_fields))
        elif i is None and j is not None:
            checks.append(RowCheck(kind, None, j + 1, 0.0, row_flagged(o_rows[j]), ()))
        elif i is not None and j is not None:
            t, o = t_rows[i], o_rows[j]
            checks.append(RowCheck(kind, i + 1, j + 1, sim, row_flagged(o),
                                   wrong_fields(kind, t, o)))
            texts.extend(text_check(f, f"{kind}.{f}", t.get(f), o.get(f))
                         for f in CER_FIELDS[kind])
    return tuple(checks), tuple(texts)


def score_pair(file: str, t_id: str, truth: dict[str, Any], out: OutputDoc,
               similarity: float) -> AgreementResult:
    o = out.doc
    header = tuple(
        HeaderCheck(p, same_value(p, header_value(truth, p), header_value(o, p)),
                    header_flagged(o, p))
        for p in HEADER_FIELDS
    )
    texts = [text_check(p, p, header_value(truth, p), header_value(o, p))
             for p in CER_FIELDS["header"]]
    rows: list[RowCheck] = []
    for kind in KINDS:
        kind_rows, kind_texts = score_rows(kind, truth, o)
        rows.extend(kind_rows)
        texts.extend(kind_texts)
    return AgreementResult(file, PAIRED, t_id, output_id(out), similarity, header,
                           tuple(rows), tuple(texts), row_set_flags(o))


def unpaired_truth(file: str, t_id: str, truth: dict[str, Any], failed: bool
                   ) -> AgreementResult:
    rows = tuple(RowCheck(k, i, None, 0.0, failed, SCORED_FIELDS[k] + INFO_FIELDS[k])
                 for k in KINDS for i in range(1, len(rows_of(truth, k)) + 1))
    return AgreementResult(file, FAILED if failed else MISSED, t_id, None, None, rows=rows)


def unpaired_output(file: str, out: OutputDoc) -> AgreementResult:
    rows = tuple(RowCheck(k, None, j, 0.0, row_flagged(r), ())
                 for k in KINDS for j, r in enumerate(rows_of(out.doc, k), 1))
    return AgreementResult(file, SPURIOUS, None, output_id(out), None, rows=rows)


def score_file(file: str, truth: Sequence[dict[str, Any]], out: Sequence[OutputDoc],
               failed: bool) -> tuple[AgreementResult, ...]:
    """Results for every truth and output agreement of one source file."""
    out = sorted(out, key=document_order)
    pairs = {i: (j, s) for i, j, s in pair_agreements(truth, out)}
    results = []
    for i, t in enumerate(truth):
        t_id = truth_id(t, file, i + 1)
        if i in pairs:
            j, s = pairs[i]
            results.append(score_pair(file, t_id, t, out[j], s))
        else:
            results.append(unpaired_truth(file, t_id, t, failed))
    used = {j for j, _ in pairs.values()}
    results.extend(unpaired_output(file, o) for j, o in enumerate(out) if j not in used)
    return tuple(results)


def evaluate(output_dir: Path, truth_paths: Sequence[Path]) -> EvalReport:
    """Score the agreements in `output_dir` against the truth files (or folders) given."""
    files = truth_files(truth_paths)
    truth_by_file: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        for doc in read_truth(path):
            truth_by_file.setdefault(basename(header_value(doc, "source.file")), []).append(doc)
    outputs, malformed, invalid, seen = read_outputs(Path(output_dir))
    failed = read_failed_files(Path(output_dir))
    out_by_file: dict[str, list[OutputDoc]] = {}
    for o in outputs:
        out_by_file.setdefault(basename(header_value(o.doc, "source.file")), []).append(o)
    results: list[AgreementResult] = []
    for file, truth in truth_by_file.items():
        results.extend(score_file(file, truth, out_by_file.get(file, ()), file in failed))
    unscored = tuple(o.name for f, docs in out_by_file.items() if f not in truth_by_file
                     for o in docs)
    return EvalReport(
        output_dir=str(output_dir), truth_files=tuple(str(f) for f in files),
        agreements=tuple(results), output_documents=seen, malformed_documents=malformed,
        invalid_documents=invalid, unscored_documents=unscored,
        failed_files=tuple(sorted(f for f in truth_by_file if f in failed)),
    )


# --------------------------------------------------------------------------- figures


def rate(num: float, den: float) -> float | None:
    return num / den if den else None


def header_figures(results: Sequence[AgreementResult]) -> dict[str, Any]:
    paired = [a for a in results if a.status == PAIRED]
    checks = [c for a in paired for c in a.header]
    right = {f: sum(c.field == f and c.right for c in checks) for f in HEADER_FIELDS}
    all_right = sum(all(c.right for c in a.header) for a in paired)
    return {
        "paired": len(paired),
        "right": right,
        "accuracy": {f: rate(n, len(paired)) for f, n in right.items()},
        "all_right": all_right,
        "all_right_rate": rate(all_right, len(paired)),
    }


def row_figures(results: Sequence[AgreementResult], kind: str) -> dict[str, Any]:
    rows = [r for a in results for r in a.rows if r.kind == kind]
    truth = sum(r.truth_row is not None for r in rows)
    output = sum(r.output_row is not None for r in rows)
    matched = sum(r.matched for r in rows)
    right = {f: sum(r.matched and f not in r.wrong for r in rows)
             for f in SCORED_FIELDS[kind] + INFO_FIELDS[kind]}
    return {
        "truth": truth, "output": output, "matched": matched,
        "recall": rate(matched, truth), "precision": rate(matched, output),
        "right": right,
        "accuracy_matched": {f: rate(n, matched) for f, n in right.items()},
        "accuracy_truth": {f: rate(n, truth) for f, n in right.items()},
        "informational_fields": list(INFO_FIELDS[kind]),
    }


def cer_figures(results: Sequence[AgreementResult]) -> dict[str, Any]:
    texts = [t for a in results for t in a.texts]
    names = [*CER_FIELDS["header"], *(f"{k}.{f}" for k in KINDS for f in CER_FIELDS[k])]
    by_field: dict[str, dict[str, Any]] = {}
    for name in names:
        edits = sum(t.edits for t in texts if t.field == name)
        chars = sum(t.chars for t in texts if t.field == name)
        by_field[name] = {"edits": edits, "chars": chars, "cer": rate(edits, chars)}
    edits, chars = sum(t.edits for t in texts), sum(t.chars for t in texts)
    return {"edits": edits, "chars": chars, "cer": rate(edits, chars), "fields": by_field}


def silent_figures(results: Sequence[AgreementResult]) -> dict[str, Any]:
    checks = [c for a in results for c in a.header]
    header = {f: sum(c.field == f and not c.right and not c.flagged for c in checks)
              for f in HEADER_FIELDS}
    fields: dict[str, dict[str, int]] = {}
    missed: dict[str, int] = {}
    spurious: dict[str, int] = {}
    for kind in KINDS:
        rows = [r for a in results for r in a.rows if r.kind == kind]
        fields[kind] = {f: sum(r.matched and f in r.wrong and not r.flagged for r in rows)
                        for f in SCORED_FIELDS[kind]}
        missed[kind] = sum(r.output_row is None and not r.flagged for r in rows)
        spurious[kind] = sum(r.truth_row is None and not r.flagged for r in rows)
    agreements = {s: sum(a.status == s for a in results) for s in (MISSED, SPURIOUS)}
    total = (sum(header.values()) + sum(sum(f.values()) for f in fields.values())
             + sum(missed.values()) + sum(spurious.values()) + sum(agreements.values()))
    return {"total": total, "header": header, **fields, "missed_rows": missed,
            "spurious_rows": spurious, "agreements": agreements}


def false_alarm_figures(results: Sequence[AgreementResult]) -> dict[str, Any]:
    checks = [c for a in results for c in a.header]
    header = {f: sum(c.field == f and c.right and c.flagged for c in checks)
              for f in HEADER_FIELDS}
    all_rows = [r for a in results for r in a.rows]
    rows = {k: sum(r.kind == k and r.matched and r.flagged
                   and not set(r.wrong) & set(SCORED_FIELDS[k]) for r in all_rows)
            for k in KINDS}
    row_sets = sum(
        1 for a in results if a.status == PAIRED for k in a.row_flags
        if not any(r.kind == k and r.output_row is None for r in a.rows)
    )
    output_rows = sum(r.output_row is not None for r in all_rows)
    row_alarms = sum(rows.values())
    return {
        "total": sum(header.values()) + row_alarms + row_sets,
        "header": header, **rows, "row_sets": row_sets,
        "output_rows": output_rows, "row_rate": rate(row_alarms, output_rows),
    }


def figures(results: Sequence[AgreementResult]) -> dict[str, Any]:
    """Every figure over `results` (all agreements, or one)."""
    statuses = [a.status for a in results]
    return {
        "agreements": {
            "truth": sum(s != SPURIOUS for s in statuses),
            "output": sum(s in (PAIRED, SPURIOUS) for s in statuses),
            **{s: statuses.count(s) for s in (PAIRED, MISSED, FAILED, SPURIOUS)},
        },
        "header": header_figures(results),
        "targets": row_figures(results, "targets"),
        "budget": row_figures(results, "budget"),
        "cer": cer_figures(results),
        "silent_errors": silent_figures(results),
        "false_alarms": false_alarm_figures(results),
    }


# --------------------------------------------------------------------------- text report


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def format_rows(title: str, rows: dict[str, Any]) -> list[str]:
    lines = [f"{title}: recall {pct(rows['recall'])} ({rows['matched']}/{rows['truth']}), "
             f"precision {pct(rows['precision'])} ({rows['matched']}/{rows['output']})",
             f"  {'field':<22}{'matched rows':>14}{'truth rows':>12}"]
    for f in rows["right"]:
        note = "  (informational)" if f in rows["informational_fields"] else ""
        lines.append(f"  {f:<22}{pct(rows['accuracy_matched'][f]):>14}"
                     f"{pct(rows['accuracy_truth'][f]):>12}{note}")
    return lines


def format_report(data: dict[str, Any]) -> str:
    """Render `EvalReport.to_json()` as a few dozen lines of text."""
    docs, s = data["documents"], data["summary"]
    ag, head = s["agreements"], s["header"]
    lines = [
        f"Evaluation of {data['output_dir']} against {len(data['truth_files'])} truth file(s)",
        f"Documents: {docs['output']} read, {docs['malformed']} malformed, "
        f"{docs['invalid']} invalid, {docs['unscored']} outside the sample, "
        f"{docs['failed_files']} failed source file(s)",
        f"Agreements: {ag['truth']} in truth, {ag['paired']} paired, {ag['missed']} missed, "
        f"{ag['failed']} in failed files, {ag['spurious']} spurious",
        f"Header fields ({head['paired']} paired agreements):",
    ]
    lines += [f"  {f:<22}{pct(v):>8}" for f, v in head["accuracy"].items()]
    lines.append(f"  {'every field right':<22}{pct(head['all_right_rate']):>8} "
                 f"({head['all_right']}/{head['paired']})")
    lines += format_rows("Target rows", s["targets"])
    lines += format_rows("Budget lines", s["budget"])
    cer = s["cer"]
    lines.append(f"Character error rate: {pct(cer['cer'])} "
                 f"({cer['edits']} edits / {cer['chars']} characters)")
    silent = s["silent_errors"]
    lines.append(f"Silent errors (wrong or missing, not flagged): {silent['total']}")
    for group in ("header", *KINDS, "missed_rows", "spurious_rows", "agreements"):
        lines += [f"  {group} {name}: {n}" for name, n in silent[group].items() if n]
    fa = s["false_alarms"]
    lines.append(f"False alarms (flagged but right): {fa['total']}; rows "
                 f"{fa['targets'] + fa['budget']} = {pct(fa['row_rate'])} of "
                 f"{fa['output_rows']} output rows, header {sum(fa['header'].values())}, "
                 f"row sets {fa['row_sets']}")
    return "\n".join(lines)


__all__ = [
    "AGREEMENT_MIN_SIMILARITY", "ROW_MIN_SIMILARITY", "AgreementResult", "EvalReport",
    "HeaderCheck", "RowCheck", "TextCheck", "align", "evaluate", "figures", "same_value",
]
