"""Truth bundles of other offices, made from the seed bundle or from scratch.

`other_office(template, office, seed=...)` turns a KPU bundle (the seed truth,
`truth/kpu-bontang-2026.json`) into the bundle of another KPU office:

* the office's region is substituted in every string of the bundle
  ("KPU Kota Bontang" -> "KPU Kabupaten Paser", "DPRD Kota Bontang" -> "DPRD
  Kabupaten Paser", a bare "Bontang" -> "Paser"), and the place of signing
  becomes the office's town; `ValueError` if the old name survives anywhere;
* every person gets a new name from `names.json`, the same person the same new
  name throughout the bundle (the head signs as the superior of the others);
* the date moves to another day early in the same year;
* targets vary within plausible ranges (percentages of 50 and more within
  50-100, smaller ones within 2-45, counts within half to twice, index values
  within -15..+10 %), keeping how each is printed ("100 %", "2 laporan"); the
  same indicator gets the same new target in every agreement of the bundle;
* some rows are dropped (`drop_rate`), and some indicators (`novel_rate`) are
  replaced, again consistently across the bundle, by indicators from
  `novel_indicators.json`, which are in no catalogue (`indicator_id` null);
* budget amounts vary (x0.5-2, whole thousands). Where the template has the
  seed's structure - a head listing one amount per program that equals the sum
  of the subordinates' activity lines of that program (activities matched to
  programs through the rows' `activity`/`program`, fuzzily, since budget names
  differ from table headings) - the head's amounts are recomputed as the sums of
  the varied activity lines, so they still add up. Otherwise each line varies on
  its own.

`jabar_bundle(office, seed=...)` builds a Jawa Barat style bundle from
`jabar_offices.json`: the head of the office (second party the governor) and
one agreement per unit (second party the head), goals and indicators of the
office's own, lists of items each with a target (`indicator_parent` is the
heading line as printed, trailing " :" included, as in the contract's example;
`indicator` is the item's own text without its bullet), no program or
activity, budgets per program (head) and per activity (units) with note APBD,
the head's program amounts being the sums of the units' activities.
"""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from rapidfuzz import fuzz

from .render import date_text, rupiah

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Office:
    """An office a bundle can belong to."""

    name: str  # e.g. KPU Kabupaten Paser, Dinas Peternakan Provinsi Jawa Barat
    place: str  # where it signs, e.g. Tanah Grogot
    layout: str  # kpu | jabar

    @property
    def region(self) -> str:
        """"KPU Kabupaten Paser" -> "Kabupaten Paser"."""
        return self.name.removeprefix("KPU ").strip()

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


KPU_OFFICES: tuple[Office, ...] = (
    Office("KPU Kabupaten Paser", "Tanah Grogot", "kpu"),
    Office("KPU Kota Balikpapan", "Balikpapan", "kpu"),
    Office("KPU Provinsi Kalimantan Timur", "Samarinda", "kpu"),
    Office("KPU Kota Samarinda", "Samarinda", "kpu"),
    Office("KPU Kabupaten Kutai Kartanegara", "Tenggarong", "kpu"),
    Office("KPU Kabupaten Berau", "Tanjung Redeb", "kpu"),
    Office("KPU Kabupaten Penajam Paser Utara", "Penajam", "kpu"),
    Office("KPU Kota Tarakan", "Tarakan", "kpu"),
)


@cache
def _data(name: str) -> dict[str, Any]:
    text = resources.files("ocr_pipeline.simulate").joinpath(name).read_text("utf-8")
    return json.loads(text)


def jabar_offices() -> tuple[Office, ...]:
    return tuple(Office(o["name"], o["place"], "jabar") for o in _data("jabar_offices.json")
                 ["offices"])


def all_offices() -> tuple[Office, ...]:
    return KPU_OFFICES + jabar_offices()


def office_named(name: str) -> Office:
    for o in all_offices():
        if o.name.lower() == name.lower() or o.slug == name.lower():
            return o
    raise ValueError(f"unknown office {name!r}; known: {', '.join(o.name for o in all_offices())}")


def novel_indicators() -> tuple[dict[str, Any], ...]:
    """The indicators in no catalogue (goal, indicator with {office}, target spec)."""
    return tuple(_data("novel_indicators.json")["indicators"])


def person_names() -> tuple[str, ...]:
    return tuple(_data("names.json")["names"])


# --------------------------------------------------------------------------- numbers


def fmt_number(v: float, decimals: int = 0) -> str:
    """Indonesian style: 12.285.690, 36,6."""
    if decimals:
        whole, frac = f"{v:.{decimals}f}".split(".")
        return f"{int(whole):,}".replace(",", ".") + "," + frac
    return f"{int(round(v)):,}".replace(",", ".")


def _value(v: float, decimals: int) -> float | int:
    return round(float(v), decimals) if decimals else int(round(v))


def _draw_value(rng: np.random.Generator, spec: dict[str, Any]) -> float:
    lo, hi = float(spec.get("min", 50)), float(spec.get("max", 100))
    d = int(spec.get("decimals", 0))
    if spec["kind"] == "pct" and "min" not in spec and rng.random() < 0.45:
        return 100.0
    v = rng.uniform(lo, hi) if d else float(rng.integers(int(lo), int(hi) + 1))
    if spec["kind"] == "pct" and not d and v >= 50 and rng.random() < 0.5:
        v = min(100.0, round(v / 5) * 5)
    return round(v, d)


def target_from_spec(rng: np.random.Generator, spec: dict[str, Any]) -> dict[str, Any]:
    """A target value (raw, value, unit) drawn from a spec of the data files."""
    kind = spec["kind"]
    if kind == "text":
        return {"raw": spec["text"], "value": None, "unit": None}
    d = int(spec.get("decimals", 0))
    v = _draw_value(rng, spec)
    num = fmt_number(v, d)
    if kind == "pct":
        raw = f"{num}{rng.choice(['%', '%', ' %'])}"
        return {"raw": raw, "value": _value(v, d), "unit": "%"}
    if kind == "count":
        word = spec["unit"]
        return {"raw": f"{num} {word}", "value": _value(v, d), "unit": word.lower()}
    return {"raw": num, "value": _value(v, d), "unit": None}


_RAW_RE = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(\s*)(.*)$")


def vary_target(rng: np.random.Generator, target: dict[str, Any]) -> dict[str, Any]:
    """The same kind of target, another plausible value, printed the same way."""
    m = _RAW_RE.match(target.get("raw") or "")
    if not m or target.get("value") is None:
        return copy.deepcopy(target)
    frac, space, rest = m.group(2), m.group(3), m.group(4)
    d = len(frac) if frac else 0
    v, unit = float(target["value"]), target.get("unit")
    if unit == "%":
        new = _draw_value(rng, {"kind": "pct"} if v >= 50 else
                          {"kind": "pct", "min": 2, "max": 45, "decimals": d})
    elif unit:
        new = float(rng.integers(1, 7)) if v <= 4 else float(round(v * rng.uniform(0.5, 2.0)))
    else:
        new = round(v * rng.uniform(0.85, 1.1), d)
        if not d:
            new = float(max(1, min(100, int(new)))) if v <= 100 else float(int(new))
    return {"raw": f"{fmt_number(new, d)}{space}{rest}", "value": _value(new, d), "unit": unit}


# --------------------------------------------------------------------------- substitution


def _region_of(org: str) -> tuple[str, str]:
    """("Kota Bontang", "Bontang") from "Sekretariat KPU Kota Bontang"."""
    m = re.search(r"\bKPU\s+((?:Kota|Kabupaten|Provinsi)\s+.+)$", org)
    region = m.group(1).strip() if m else org.strip()
    words = region.split()
    short = " ".join(words[1:]) if len(words) > 1 and words[0] in ("Kota", "Kabupaten",
                                                                   "Provinsi") else region
    return region, short


def _replacer(pairs: list[tuple[str, str]]) -> Callable[[str], str]:
    """Replace each old text (whole words, any case) by its new text, keeping upper case."""
    pats = [(re.compile(rf"(?<!\w){re.escape(old)}(?!\w)", re.I), new) for old, new in pairs]

    def swap(new: str) -> Callable[[re.Match[str]], str]:
        return lambda m: new.upper() if m.group(0).isupper() else new

    def sub(text: str) -> str:
        for pat, new in pats:
            text = pat.sub(swap(new), text)
        return text
    return sub


def _walk(obj: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, list):
        return [_walk(v, fn) for v in obj]
    if isinstance(obj, dict):
        return {k: _walk(v, fn) for k, v in obj.items()}
    return obj


def _persons(bundle: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for a in bundle:
        for p in ("first_party", "second_party"):
            n = (a.get(p) or {}).get("name")
            if n:
                seen[n] = None
    return list(seen)


def _new_date(rng: np.random.Generator, year: int) -> date:
    month = int(rng.choice((1, 1, 1, 2, 2, 3)))
    return date(year, month, int(rng.integers(2, 29)))


# --------------------------------------------------------------------------- budgets


def _program_of_line(name: str, agreement: dict[str, Any]) -> tuple[str | None, bool]:
    """(program, is_program_line) of a budget line, from the agreement's rows."""
    programs = dict.fromkeys(t["program"] for t in agreement["targets"] if t.get("program"))
    for p in programs:
        if fuzz.token_set_ratio(name.lower(), p.lower()) >= 90:
            return p, True
    best, score = None, 0.0
    for t in agreement["targets"]:
        if t.get("activity") and t.get("program"):
            s = fuzz.token_sort_ratio(name.lower(), t["activity"].lower())
            if s > score:
                best, score = t["program"], s
    return (best if score >= 70 else None), False


def _with_amount(line: dict[str, Any], amount: int) -> dict[str, Any]:
    raw = line.get("raw") or ""
    m = re.search(r"\d{1,3}(?:\.\d{3})+|\d+", raw)
    new_raw = (raw[:m.start()] + fmt_number(amount) + raw[m.end():]) if m else \
        rupiah(amount, "Rp {},-")
    return {**line, "amount": amount, "raw": new_raw}


def vary_budgets(rng: np.random.Generator, bundle: list[dict[str, Any]]) -> None:
    """Vary every amount in place, keeping a head's program sums where the template has them."""
    kinds: dict[tuple[int, int], tuple[str | None, bool]] = {}
    for k, a in enumerate(bundle):
        for j, b in enumerate(a["budget"]):
            kinds[(k, j)] = _program_of_line(b["name"], a)
    sums: dict[str, int] = {}
    for (k, j), (prog, is_prog) in kinds.items():
        amount = bundle[k]["budget"][j].get("amount")
        if prog and not is_prog and amount is not None:
            sums[prog] = sums.get(prog, 0) + int(amount)
    prog_lines = [(k, j) for (k, j), (p, is_p) in kinds.items() if is_p]
    structured = bool(prog_lines) and all(
        bundle[k]["budget"][j].get("amount") == sums.get(kinds[(k, j)][0] or "")
        for k, j in prog_lines)
    new_sums: dict[str, int] = {}
    for (k, j), (prog, is_prog) in kinds.items():
        b = bundle[k]["budget"][j]
        if b.get("amount") is None or (structured and is_prog):
            continue
        amount = max(1000, int(round(b["amount"] * rng.uniform(0.5, 2.0), -3)))
        bundle[k]["budget"][j] = _with_amount(b, amount)
        if prog and not is_prog:
            new_sums[prog] = new_sums.get(prog, 0) + amount
    if structured:
        for k, j in prog_lines:
            total = new_sums.get(kinds[(k, j)][0] or "", 0)
            bundle[k]["budget"][j] = _with_amount(bundle[k]["budget"][j], total)
    log.debug("budgets varied (%s)", "program sums kept" if structured else "independently")


# --------------------------------------------------------------------------- KPU offices


def other_office(template: Sequence[dict[str, Any]], office: Office | str, *, seed: int,
                 drop_rate: float = 0.1, novel_rate: float = 0.15) -> list[dict[str, Any]]:
    """The bundle `template` as another KPU office would have written it (see the module doc)."""
    office = office_named(office) if isinstance(office, str) else office
    rng = np.random.default_rng(seed)
    if not template:
        raise ValueError("the template bundle is empty")
    org = template[0].get("organization") or ""
    src_region, src_short = _region_of(org)
    dst_short = _region_of(f"KPU {office.region}")[1]
    src_place = template[0].get("signed_place")
    persons = _persons(list(template))
    pool = [n for n in person_names() if n not in persons]
    picked = rng.choice(len(pool), size=len(persons), replace=False)
    names = {old: pool[int(i)] for old, i in zip(persons, picked, strict=True)}
    pairs = [(src_region, office.region), (src_short, dst_short)]
    if src_place and src_place not in (src_region, src_short):
        pairs.append((src_place, office.place))
    sub = _replacer(pairs)
    year = int(template[0].get("year") or 2026)
    signed = _new_date(rng, year)
    bundle = []
    for k, a in enumerate(template):
        b = copy.deepcopy(dict(a))
        for p in ("first_party", "second_party"):
            if b.get(p) and b[p].get("name") in names:
                b[p] = {**b[p], "name": names[b[p]["name"]]}
        b = _walk(b, sub)
        b["signed_place"] = office.place
        b["signed_date"], b["signed_date_raw"] = signed.isoformat(), date_text(signed.isoformat())
        b["agreement_id"] = f"{office.slug}-{year}-{k + 1:02d}"
        b["source"] = {"file": f"{office.slug}-{year}.pdf", "sha256": "0" * 64,
                       "pages": list(a.get("source", {}).get("pages", [1]))}
        bundle.append(b)
    _vary_rows(rng, bundle, office, drop_rate, novel_rate)
    vary_budgets(rng, bundle)
    leftover = [w for w in {src_short, src_region} if w and w != dst_short and
                re.search(rf"(?<!\w){re.escape(w)}(?!\w)", json.dumps(bundle), re.I)]
    if leftover:
        raise ValueError(f"{', '.join(leftover)} survived the substitution for {office.name}")
    return bundle


def _vary_rows(rng: np.random.Generator, bundle: list[dict[str, Any]], office: Office,
               drop_rate: float, novel_rate: float) -> None:
    keys = list(dict.fromkeys((t["strategic_goal"], t["indicator"])
                              for a in bundle for t in a["targets"]))
    novel = list(novel_indicators())
    order = rng.permutation(len(novel))
    changes: dict[tuple[str, str], dict[str, Any]] = {}
    n_novel = 0
    for key in keys:
        if rng.random() < novel_rate and n_novel < len(novel):
            spec = novel[int(order[n_novel])]
            n_novel += 1
            change = {"indicator": spec["indicator"].replace("{office}", office.name),
                      "indicator_id": None, "target": target_from_spec(rng, spec["target"])}
            if rng.random() < 0.5:
                change["strategic_goal"] = spec["goal"].replace("{office}", office.name)
            changes[key] = change
    # a dropped indicator goes from every agreement of the bundle: the head's agreement
    # stays the union of its subordinates'
    dropped = {key for key in keys if rng.random() < drop_rate}
    varied: dict[tuple[str, str], dict[str, Any]] = {}
    for a in bundle:
        rows = []
        for t in a["targets"]:
            key = (t["strategic_goal"], t["indicator"])
            if key not in varied:
                varied[key] = vary_target(rng, t["target"])
            rows.append(({**t, "target": copy.deepcopy(varied[key]), **changes.get(key, {})}, key))
        keep = [r for r, key in rows if key not in dropped] or [rows[0][0]]
        a["targets"] = keep


# --------------------------------------------------------------------------- Jawa Barat


def _jabar_data(office: Office) -> dict[str, Any]:
    for o in _data("jabar_offices.json")["offices"]:
        if o["name"] == office.name:
            return o
    raise ValueError(f"{office.name} is not a Jawa Barat office of jabar_offices.json")


def _titled(rng: np.random.Generator, name: str, upper: bool) -> str:
    data = _data("names.json")
    if rng.random() < 0.5:
        name = f"{rng.choice(data['prefixes'])} {name}"
    if upper:
        name = name.upper()
    if rng.random() < 0.4:
        name += str(rng.choice(data["suffixes"]))
    return name


def _row(goal: str, indicator: str, target: dict[str, Any], parent: str | None = None
         ) -> dict[str, Any]:
    return {"program": None, "activity": None, "strategic_goal": goal, "indicator_parent": parent,
            "indicator": indicator, "indicator_id": None, "target": target, "page": 1,
            "confidence": 1.0, "needs_review": False, "review_reasons": [], "corrections": []}


def _goal_rows(rng: np.random.Generator, goal: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for ind in goal["indicators"]:
        if "parent" in ind:
            for item in ind["items"]:
                rows.append(_row(goal["goal"], item["item"], target_from_spec(rng, item["target"]),
                                 ind["parent"]))
        else:
            rows.append(_row(goal["goal"], ind["indicator"], target_from_spec(rng, ind["target"])))
    return rows


def _budget_line(name: str, amount: int, note: str) -> dict[str, Any]:
    return {"name": name, "amount": amount, "raw": rupiah(amount, "Rp. {},-"), "note": note,
            "page": 1, "confidence": 1.0, "needs_review": False, "review_reasons": []}


def jabar_bundle(office: Office | str, *, seed: int, year: int | None = None
                 ) -> list[dict[str, Any]]:
    """A Jawa Barat style bundle of `office`: the head's agreement, then one per unit."""
    office = office_named(office) if isinstance(office, str) else office
    data = _jabar_data(office)
    rng = np.random.default_rng(seed)
    year = year or int(rng.choice((2016, 2017)))
    upper = bool(rng.random() < 0.5)
    case = (lambda s: s.upper()) if upper else (lambda s: s)
    units = [u for u in data["units"] if u["goals"]]
    pool = rng.choice(len(person_names()), size=2 + len(units), replace=False)
    people = [_titled(rng, person_names()[int(i)], upper) for i in pool]
    governor, head = people[0], people[1]
    goal_rows = [_goal_rows(rng, g) for g in data["goals"]]
    amounts = {act: int(rng.integers(80, 9000)) * 1_000_000 + int(rng.integers(0, 1000)) * 1000
               for p in data["programs"] for act in p["activities"]}
    signed = date(year, int(rng.choice((1, 2, 3, 4))), int(rng.integers(2, 29)))
    base = {"schema_version": "1.0", "title": f"PERJANJIAN KINERJA TAHUN {year}", "year": year,
            "organization": case(office.name), "signed_place": office.place,
            "signed_date": signed.isoformat(), "signed_date_raw": date_text(signed.isoformat()),
            "needs_review": [], "warnings": []}
    carried = {a for u in units for a in u["activities"]}
    head_budget = [_budget_line(p["name"], sum(amounts[a] for a in p["activities"] if a in carried),
                                "APBD")
                   for p in data["programs"] if carried & set(p["activities"])]
    bundle = [{**base, "subunit": None,
               "first_party": {"name": head, "position": case(data["head"])},
               "second_party": {"name": governor, "position": case(data["superior"])},
               "targets": [copy.deepcopy(r) for rows in goal_rows for r in rows],
               "budget": head_budget}]
    for unit, person in zip(units, people[2:], strict=True):
        bundle.append({**base, "subunit": unit["subunit"],
                       "first_party": {"name": person, "position": case(unit["position"])},
                       "second_party": {"name": head, "position": case(data["head"])},
                       "targets": [copy.deepcopy(r) for g in unit["goals"] for r in goal_rows[g]],
                       "budget": [_budget_line(a, amounts[a], "APBD")
                                  for a in unit["activities"]]})
    for k, a in enumerate(bundle):
        a["agreement_id"] = f"{office.slug}-{year}-{k + 1:02d}"
        a["source"] = {"file": f"{office.slug}-{year}.pdf", "sha256": "0" * 64, "pages": [1]}
    return [_ordered(a) for a in bundle]


_ORDER = ("schema_version", "agreement_id", "source", "title", "year", "organization", "subunit",
          "first_party", "second_party", "signed_place", "signed_date", "signed_date_raw",
          "targets", "budget", "needs_review", "warnings")


def _ordered(a: dict[str, Any]) -> dict[str, Any]:
    return {k: a[k] for k in _ORDER if k in a} | {k: v for k, v in a.items() if k not in _ORDER}


def make_bundle(office: Office, *, seed: int, template: Sequence[dict[str, Any]] | None = None
                ) -> list[dict[str, Any]]:
    """A bundle of `office`: from `template` for a KPU office, from the data for Jawa Barat."""
    if office.layout == "jabar":
        return jabar_bundle(office, seed=seed)
    if not template:
        raise ValueError(f"{office.name} needs a KPU template bundle (the seed truth)")
    return other_office(template, office, seed=seed)
