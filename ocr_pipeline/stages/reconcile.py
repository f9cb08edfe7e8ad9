"""Reconciliation across the agreements of one office and year (in one file or one batch).

The head's agreement is the union of its subordinates': a subordinate is an agreement
whose second party (the superior) is the head's first party, of the same office and
year. Checked:

* every subordinate row has the same indicator with the same target in the head's
  agreement, and every head row of a delegated activity is in some subordinate's
  (only where the head's agreement does take over most of the subordinate's rows:
  agreements at different levels of an office are not compared row by row);
* the head's budget per program equals the sum of the subordinates' activity lines
  under that program (each subordinate counted once, however many copies of its
  agreement the batch holds);
* copies of one agreement (one office, year and first party) print the same amounts;
* the agreements of one office and year are signed in one place (a place alike to the
  one most of them print is misread) on one day;
* one person is named alike, with one position, in every agreement of the office and
  year that names them (the head's first party is each subordinate's second party;
  one superior signs every unit's agreement).

A disagreement flags both sides, with both values in the reason; but where one side is
plainly the misread one (its target already in doubt, unreadable or implausible, and the
other's not; or its unit lost, '100' against the other's '100%'), only that side is
flagged: it takes the other's value (correction method `cross-document`) and stays
flagged for a person, and the other, which nothing speaks against, is not. A header
value (a party's name or position, the place) that two or more agreements print
otherwise, more than it, takes theirs, flagged (`... : taken from them, check it
against the scan`); the value read is in that warning, and put back first by a second
call. Works on
contract documents and is idempotent: reasons it adds start with `cross-check:` and are
recomputed on every call.
"""

from __future__ import annotations

import ast
import copy
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz, process

from .values import parse_target

PREFIX = "cross-check: "
METHOD = "cross-document"
TAKEN = ": taken from them, check it against the scan"  # ends the flag of a header value so replaced


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


def _letters(text: Any) -> str:
    """A text's letters, digits and percent signs: what its reading says, whatever OCR
    made of its spaces and marks ('SNI (%):' is 'SNI (%) :')."""
    return re.sub(r"[^\w%]|_", "", str(text or ""))


def _doubted(row: dict[str, Any], field: str, other: Any) -> bool:
    """Whether a row's review reasons already doubt a text of it that another copy reads
    otherwise: one quotes a piece of it that the other reading does not hold ("'Ld.' before
    'Jumlah' may be a mark read as letters" under 'Ld. Jumlah produksi ...')."""
    text, other = str(row.get(field) or ""), str(other or "")
    quoted = [q for why in row.get("review_reasons") or () if not why.startswith(PREFIX)
              for q in re.findall(r"'([^']{2,})'", why)]
    return any(q in text and q not in other for q in quoted)


def _outnumbers(here: int, there: int) -> bool:
    """Whether a reading printed by `here` agreements (or copies) is taken for right over
    one printed by `there`: two or more print it, more than the other."""
    return here >= 2 and here > there


# texts a row of a subordinate's agreement shares with the head's copy of it
_SHARED = {"indicator_parent": "list heading", "strategic_goal": "goal", "indicator": "indicator"}


def _money(n: int) -> str:
    return "Rp " + f"{n:,}".replace(",", ".")


def _value(row: dict[str, Any]) -> str:
    t = row.get("target") or {}
    return str(t.get("raw") or "").strip() or "(empty)"


def _same_target(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ta, tb = a.get("target") or {}, b.get("target") or {}
    return ta.get("value") == tb.get("value") and (ta.get("unit") or None) == (tb.get("unit") or None)


def _key(row: dict[str, Any]) -> str:
    return row.get("indicator_id") or _norm(row.get("indicator"))


def _same_parent(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two rows stand under one list heading, or both under none: a list item
    ('Daging') is one indicator only under its heading ('Jumlah produksi ...' is not
    'Prosentase produk ... SNI')."""
    pa, pb = _norm(a.get("indicator_parent")), _norm(b.get("indicator_parent"))
    return pa == pb or (bool(pa) and bool(pb) and fuzz.ratio(pa, pb) >= 85)


def _find(row: dict[str, Any], rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    k = _key(row)
    rows = [r for r in rows if _same_parent(r, row)]
    for r in rows:
        if _key(r) == k:
            return r
    best = max(rows, key=lambda r: fuzz.ratio(_norm(r.get("indicator")), _norm(row.get("indicator"))), default=None)
    if best is not None and fuzz.ratio(_norm(best.get("indicator")), _norm(row.get("indicator"))) >= 92:
        return best
    return None


def _doubtful_target(row: dict[str, Any]) -> bool:
    """Whether the row's own checks doubt its target: unreadable, empty, out of range, or
    a unit that is no unit word or not the catalogue's ('unit '6, i' is not a unit word')."""
    return any(("target" in r and ("read" in r or "range" in r or "unit" in r or "empty" in r))
               or r.startswith("unit ") for r in row.get("review_reasons", ()) if not r.startswith(PREFIX))


def _lost_unit(row: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether a row's target is the other's with its unit lost ('100' against '100%')."""
    t, o = row.get("target") or {}, other.get("target") or {}
    return (t.get("value") is not None and t.get("value") == o.get("value")
            and not t.get("unit") and bool(o.get("unit")))


def _strip(doc: dict[str, Any]) -> None:
    """Undo what an earlier reconciliation added (so that a second call changes nothing)."""
    for kind in ("targets", "budget"):
        for row in doc.get(kind, ()):
            taken = [c for c in row.get("corrections", ()) if c.get("method") == METHOD]
            if taken and kind == "targets":
                raw = "" if taken[0]["from"] == "(empty)" else taken[0]["from"]
                p = parse_target(raw)
                row["target"] = {"raw": raw, "value": _num(p.value), "unit": p.unit}
            row["corrections"] = [c for c in row.get("corrections", ()) if c.get("method") != METHOD]
            row["review_reasons"] = [r for r in row.get("review_reasons", ()) if not r.startswith(PREFIX)]
            row["needs_review"] = bool(row["review_reasons"])


_QUOTED = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""  # a value as repr() writes it
_TAKEN = re.compile(rf"^(\w+(?:\.\w+)?): {re.escape(PREFIX)}({_QUOTED}) here but .*{re.escape(TAKEN)}$")


def _strip_header(doc: dict[str, Any]) -> None:
    """Drop the header flags an earlier reconciliation added, and put back the readings
    it replaced."""
    mine = [w for w in doc.get("warnings", ()) if PREFIX in w]
    if not mine:
        return
    for w in mine:
        m = _TAKEN.match(w)
        if m:
            _set(doc, m.group(1), ast.literal_eval(m.group(2)))
    paths = {w.split(": ", 1)[0] for w in mine}
    doc["warnings"] = [w for w in doc.get("warnings", ()) if PREFIX not in w]
    still = {w.split(": ", 1)[0] for w in doc["warnings"] if ": " in w}
    doc["needs_review"] = [p for p in doc.get("needs_review", ()) if p not in paths or p in still]


def _flag_header(doc: dict[str, Any], path: str, reason: str) -> None:
    if path not in doc.setdefault("needs_review", []):
        doc["needs_review"].append(path)
    doc.setdefault("warnings", []).append(f"{path}: {PREFIX}{reason}")


def _get(doc: dict[str, Any], path: str) -> Any:
    side, _, field = path.rpartition(".")
    return (doc.get(side) or {}).get(field) if side else doc.get(path)


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    side, _, field = path.rpartition(".")
    (doc.setdefault(side, {}) if side else doc)[field] = value


def _gist(text: Any) -> str:
    """What a header value's reading says: its letters and digits, in small letters (the
    real agreements type one person's name 'DAIM, MPH.' in one, 'Daim. MPH.' in another)."""
    return _letters(text).lower()


Reading = tuple[dict[str, Any], str]  # an agreement and a header path of it


def _alike(readings: Sequence[Reading], score: float) -> list[list[Reading]]:
    """Readings (agreement, header path) grouped by their values alike (`fuzz.ratio` of
    `_gist`, at least `score`, to one of the group), in order."""
    groups: list[list[Reading]] = []
    for d, path in readings:
        mine = _gist(_get(d, path))
        if not mine:
            continue
        same = next((g for g in groups if any(fuzz.ratio(mine, _gist(_get(o, q))) >= score for o, q in g)),
                    None)
        if same is None:
            groups.append([(d, path)])
        else:
            same.append((d, path))
    return groups


def _settle(readings: Sequence[Reading], take: bool = True) -> None:
    """Readings (agreement, header path) of one thing that the agreements of an office
    print alike, some misread. Where two or more agree and outnumber every other, each
    other reading takes theirs and is flagged with what it was (a name read 'Rini
    Marliua' in one agreement, 'Rini Marlina' in two), and so do readings in doubt
    already where every reading not in doubt is one value; else each reading that
    differs is flagged with the one read most (the first of those on a tie). Readings
    that differ in case, spaces or marks only agree. Without `take`, nothing is taken:
    the readings that would take another's are flagged with it."""
    readings = [(d, path) for d, path in readings if _gist(_get(d, path))]
    counts = Counter(_gist(_get(d, path)) for d, path in readings).most_common()
    if len(counts) < 2:
        return
    clear = _outnumbers(counts[0][1], counts[1][1])
    # else, when the readings in doubt already (flagged by the reading itself) are all of
    # the others than one value, that one is trusted ('IAWA BARAT', flagged, against
    # 'JAWA BARAT' once each)
    trusted = {_gist(_get(d, path)) for d, path in readings if path not in d.get("needs_review", ())}
    if not clear and len(trusted) == 1:
        counts = sorted(counts, key=lambda c: c[0] not in trusted)
        clear = True
    shown = [(d, _get(d, path)) for d, path in readings]  # as read, before any is replaced
    for d, path in readings:
        text = _get(d, path)
        best = next(b for b, _ in counts if b != _gist(text))
        if clear and _gist(text) == counts[0][0]:
            continue
        most = [(o, t) for o, t in shown if _gist(t) == best]
        ids = ", ".join(sorted({o["agreement_id"] for o, _ in most}))  # whatever order the batch ran in
        said = (f"{text!r} here but {most[0][1]!r} in {len(most)} agreement{'s' if len(most) > 1 else ''} "
                f"of this office ({ids})")
        if clear and take:
            _set(d, path, most[0][1])
            _flag_header(d, path, said + TAKEN)
        else:
            _flag_header(d, path, said)


SAME_PERSON = 85  # readings of a party's name, or of one person's position, this alike (fuzz.ratio) are one


def _reconcile_people(docs: Sequence[dict[str, Any]]) -> None:
    """One official signs several agreements of an office and year: the head's first
    party is every subordinate's second party, and one superior signs the agreements of
    all the units under them. Readings of a party's name alike (`SAME_PERSON`) name one
    person; where they, or that person's positions alike, are read otherwise in some
    agreements, those are misread: settled as `_settle` says. A position unlike the
    other ('Direktur', 'DIREKTUR RUMAH SAKIT JIWA ...') is another way to write it."""
    for group in _offices(docs):
        names = [(d, f"{side}.name") for d in group for side in ("first_party", "second_party")]
        for person in _alike(names, SAME_PERSON):
            _settle(person)
            positions = [(d, path.replace(".name", ".position")) for d, path in person]
            for alike in _alike(positions, SAME_PERSON):
                _settle(alike)


def _flag(row: dict[str, Any], reason: str) -> None:
    reasons = row.setdefault("review_reasons", [])
    if PREFIX + reason not in reasons:
        reasons.append(PREFIX + reason)
    row["needs_review"] = True


def _num(v: float | None) -> float | int | None:
    return int(v) if v is not None and float(v).is_integer() else v


def _take(row: dict[str, Any], other: dict[str, Any], other_id: str) -> None:
    row.setdefault("corrections", []).append(
        {"field": "target", "from": _value(row), "to": _value(other), "method": METHOD})
    row["target"] = copy.deepcopy(other["target"])
    _flag(row, f"target taken from agreement {other_id} (page {other.get('page')}): check it against the scan")


def _links(docs: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(head, subordinates) of each office and year."""
    out = []
    for head in docs:
        name = _norm((head.get("first_party") or {}).get("name"))
        if not name:
            continue
        subs = [d for d in docs if d is not head
                and _norm(d.get("organization")) == _norm(head.get("organization"))
                and d.get("year") == head.get("year")
                and fuzz.ratio(_norm((d.get("second_party") or {}).get("name")), name) >= 85]
        if subs:
            out.append((head, subs))
    return out


def cascades(head: dict[str, Any], sub: dict[str, Any]) -> bool:
    """Whether the head's agreement takes over its subordinate's rows (most of them are there).

    Where it does not (a provincial head's strategic indicators over a division's
    operational ones), the agreements are at different levels and are not compared row
    by row.
    """
    rows = sub.get("targets", ())
    if not rows:
        return False
    found = sum(1 for r in rows if _find(r, head.get("targets", ())) is not None)
    return found >= 0.5 * len(rows)


def _reconcile_targets(head: dict[str, Any], subs: Sequence[dict[str, Any]], whole: bool) -> None:
    """Rows of `subs` (agreements the head's takes over) against the head's; with `whole`
    (they are all at hand) a head row of a delegated activity in none of them is flagged."""
    hid = head["agreement_id"]
    delegated = {_norm(r.get("activity")) for s in subs for r in s.get("targets", ()) if r.get("activity")}
    matched: set[int] = set()
    # how many of these agreements print each reading of a shared text (a goal is printed
    # beside every indicator under it, in the head's agreement and in its units')
    printed = {field: Counter(t for d in (head, *subs)
                              for t in {_letters(r.get(field)) for r in d.get("targets", ())})
               for field in _SHARED}
    for sub in subs:
        sid = sub["agreement_id"]
        for row in sub.get("targets", ()):
            h = _find(row, head.get("targets", ()))
            if h is None:
                _flag(row, f"not in the head's agreement {hid}")
                continue
            matched.add(id(h))
            for field, what in _SHARED.items():
                mine, theirs = row.get(field), h.get(field)
                if _letters(mine) == _letters(theirs):
                    continue
                # one text, its words read two ways ('Keamanan' and 'keamanan'): the reading more
                # agreements print, two or more, is right; else the copy already doubted is the
                # misread one; neither or both, both are flagged
                here, there = printed[field][_letters(mine)], printed[field][_letters(theirs)]
                doubted = ({id(h)} if _outnumbers(here, there)
                           else {id(row)} if _outnumbers(there, here)
                           else {id(r) for r, other in ((row, theirs), (h, mine))
                                 if _doubted(r, field, other)})
                if id(row) in doubted or len(doubted) != 1:
                    _flag(row, f"{what} {mine!r} here but {theirs!r} in the head's agreement {hid} "
                               f"(page {h.get('page')})")
                if id(h) in doubted or len(doubted) != 1:
                    _flag(h, f"{what} {theirs!r} here but {mine!r} in subordinate agreement {sid} "
                             f"(page {row.get('page')})")
            if _same_target(row, h):
                continue
            mine, theirs = _value(row), _value(h)
            sub_wrong = _lost_unit(row, h) or (_doubtful_target(row) and not _doubtful_target(h))
            head_wrong = _lost_unit(h, row) or (_doubtful_target(h) and not _doubtful_target(row))
            if sub_wrong and head_wrong:  # each side speaks against the other: neither is plain
                sub_wrong = head_wrong = False
            if not head_wrong:
                _flag(row, f"target {mine} here but {theirs} in the head's agreement {hid} "
                           f"(page {h.get('page')})")
            if not sub_wrong:
                _flag(h, f"target {theirs} here but {mine} in subordinate agreement {sid} "
                         f"(page {row.get('page')})")
            if head_wrong:
                _take(h, row, sid)
            elif sub_wrong:
                _take(row, h, hid)
    if whole:
        for h in head.get("targets", ()):
            if id(h) not in matched and _norm(h.get("activity")) in delegated and h.get("activity"):
                _flag(h, "not found in any subordinate's agreement of the same activity")


def complete(head: dict[str, Any], subs: Sequence[dict[str, Any]]) -> bool:
    """Whether the subordinates' agreements at hand cover the head's (nearly) all.

    A batch may hold only some of them; then a head row or a program budget without
    its counterpart is no finding.
    """
    rows = head.get("targets", ())
    if len(subs) < 2 or not rows:
        return False
    found = sum(1 for h in rows if any(_find(h, s.get("targets", ())) is not None for s in subs))
    return found >= 0.9 * len(rows)


def _reconcile_budget(head: dict[str, Any], subs: Sequence[dict[str, Any]]) -> None:
    programs = [b for b in head.get("budget", ()) if _norm(b.get("name")).startswith("program")]
    if not programs or any(b.get("amount") is None for b in programs):
        return
    sums: dict[int, int] = {id(b): 0 for b in programs}
    parts: dict[int, list[dict[str, Any]]] = {id(b): [] for b in programs}
    for sub in subs:
        acts = {_norm(r.get("activity")): r.get("program") for r in sub.get("targets", ()) if r.get("activity")}
        for line in sub.get("budget", ()):
            if line.get("amount") is None or not acts:
                return  # cannot add up what was not read
            act = max(acts, key=lambda a: fuzz.token_set_ratio(a, _norm(line.get("name"))))
            if fuzz.token_set_ratio(act, _norm(line.get("name"))) < 75:
                return  # a line that names no activity of its own agreement: no basis for a sum
            prog = _norm(acts[act])
            target = next((b for b in programs if fuzz.ratio(_norm(b["name"]), prog) >= 85), None)
            if target is None:
                continue
            sums[id(target)] += int(line["amount"])
            parts[id(target)].append(line)
    for b in programs:
        if parts[id(b)] and sums[id(b)] != b["amount"]:
            reason = (f"the head's budget for {b['name']} is {_money(b['amount'])} but its subordinates' "
                      f"activities add up to {_money(sums[id(b)])}")
            _flag(b, reason)
            for line in parts[id(b)]:
                _flag(line, reason)


def _same_party(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two agreements are copies of one: one office, year and first party."""
    name = _norm((a.get("first_party") or {}).get("name"))
    return (bool(name) and _norm(a.get("organization")) == _norm(b.get("organization"))
            and a.get("year") == b.get("year")
            and fuzz.ratio(_norm((b.get("first_party") or {}).get("name")), name) >= 85)


SAME_LINE = 90  # two copies' budget lines this alike (letters, in order) are one line


def _same_line(line: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any] | None:
    """The line of `doc`'s budget that is `line` in another copy: one name, its letters
    maybe misread (not the words of one inside another's: two lines)."""
    lines = doc.get("budget", ())
    best = process.extractOne(_norm(line.get("name")), [_norm(o.get("name")) for o in lines],
                              scorer=fuzz.ratio, score_cutoff=SAME_LINE)
    return lines[best[2]] if best else None


def _reconcile_copies(docs: Sequence[dict[str, Any]]) -> None:
    """Copies of one agreement print the same budget: a line whose amount differs from
    the same line of another copy is flagged, with both amounts (one of them is misread;
    a sum counts one copy only, so this is where such a misread shows). The amount two
    or more copies print, more than the other, is taken for right and only the other
    copy's line flagged; else both are."""
    for group in _offices(docs):  # only agreements of one office and year can be copies
        for i, a in enumerate(group):
            copies = [d for d in group if d is a or _same_party(a, d)]
            for b in group[i + 1:]:
                if _same_party(a, b):
                    _compare_copies(a, b, copies)


def _offices(docs: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The agreements grouped by office and year."""
    offices: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    for d in docs:
        offices.setdefault((_norm(d.get("organization")), d.get("year")), []).append(d)
    return list(offices.values())


PLACE_ALIKE = 75  # two readings of a place this alike (fuzz.ratio) are one place, one of them misread


def _reconcile_signing(docs: Sequence[dict[str, Any]]) -> None:
    """The agreements of one office and year are signed in one place on one day (every
    office and year of the truth files that prints two full dates prints one): a place
    read otherwise but alike (`PLACE_ALIKE`) to another reading is misread, one of the
    two ('Tenggaroug' where two print 'Tenggarong'), settled as `_settle` says (a place
    unlike it is another place, and left as read); a full date read otherwise is
    flagged so, none taken (its printed text is the date's record)."""
    for group in _offices([d for d in docs if d.get("organization")]):
        for place in _alike([(d, "signed_place") for d in group], PLACE_ALIKE):
            _settle(place)
        _settle([(d, "signed_date") for d in group], take=False)


def _compare_copies(a: dict[str, Any], b: dict[str, Any], copies: Sequence[dict[str, Any]]) -> None:
    """Flag the lines of copies `a` and `b` whose amounts differ (`copies`: all copies)."""
    for line in a.get("budget", ()):
        other = _same_line(line, b)
        if (other is None or line.get("amount") is None or other.get("amount") is None
                or other["amount"] == line["amount"]):
            continue
        printed = Counter(m["amount"] for d in copies
                          if (m := _same_line(line, d)) is not None and m.get("amount") is not None)
        here, there = printed[line["amount"]], printed[other["amount"]]
        if not _outnumbers(here, there):
            _flag(line, f"amount {_money(line['amount'])} here but {_money(other['amount'])} in "
                        f"{b['agreement_id']}, a copy of this agreement (page {other.get('page')})")
        if not _outnumbers(there, here):
            _flag(other, f"amount {_money(other['amount'])} here but {_money(line['amount'])} in "
                         f"{a['agreement_id']}, a copy of this agreement (page {line.get('page')})")


def _distinct(subs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One agreement per subordinate: an archive holds copies of one agreement (a re-scan,
    a signed duplicate, the unit's own file beside the office's bundle), and a sum
    counts each subordinate once. Copies share their first party (one official per unit
    and year); of these the one with the fewest budget lines flagged is kept, the first
    on a tie."""
    kept: list[dict[str, Any]] = []
    for sub in subs:
        same = next((i for i, k in enumerate(kept) if _same_party(sub, k)), None)
        if same is None:
            kept.append(sub)
        elif _flagged_lines(sub) < _flagged_lines(kept[same]):
            kept[same] = sub
    return kept


def _flagged_lines(doc: dict[str, Any]) -> int:
    return sum(1 for b in doc.get("budget", ()) if b.get("needs_review"))


def reconcile(docs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cross-check the agreements of each office and year; return updated copies."""
    out = [copy.deepcopy(d) for d in docs]
    for d in out:
        _strip(d)
        _strip_header(d)
    _reconcile_copies(out)
    _reconcile_signing(out)
    _reconcile_people(out)
    for head, subs in _links(out):
        cascading = [s for s in subs if cascades(head, s)]
        units = _distinct(cascading)
        whole = complete(head, units)
        _reconcile_targets(head, cascading, whole)
        if whole:
            _reconcile_budget(head, units)
    return out
