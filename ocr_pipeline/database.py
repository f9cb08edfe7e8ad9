"""`DIR/agreements.sqlite`: the agreements of a run as SQL tables, for downstream systems.

Tables (every one carries `agreement_id`; rows of targets and budget lines are
numbered from 1 in document order, as in the CSV files and review.csv):

* `agreements` (key `agreement_id`): the header of each agreement;
* `targets` (key `agreement_id, row`): the target rows;
* `budget_lines` (key `agreement_id, row`): the budget lines;
* `corrections`: every change made to a value, by the pipeline or a reviewer
  (`kind` header / target / budget, `row` null for a header field);
* `review_decisions`: the reviewers' decisions about these agreements, with
  `status` `applied` or why a decision matched nothing.

The file is built under a temporary name and renamed into place, so a reader never
sees half a database. Lists (pages, reasons, boxes) are JSON text; booleans 0/1.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import OutputError
from .records import HEADER_FIELDS, header_value
from .review import Decision, unmatched_reason

log = logging.getLogger(__name__)

DATABASE_FILE = "agreements.sqlite"

SCHEMA = """
CREATE TABLE agreements (
    agreement_id TEXT PRIMARY KEY, source_file TEXT, source_sha256 TEXT, pages TEXT,
    title TEXT, year INTEGER, organization TEXT, subunit TEXT,
    first_party_name TEXT, first_party_position TEXT, second_party_name TEXT, second_party_position TEXT,
    signed_place TEXT, signed_date TEXT, signed_date_raw TEXT,
    needs_review TEXT, reviewed TEXT, warnings TEXT, targets INTEGER, budget_lines INTEGER
);
CREATE TABLE targets (
    agreement_id TEXT NOT NULL REFERENCES agreements(agreement_id), row INTEGER NOT NULL, page INTEGER,
    program TEXT, activity TEXT, strategic_goal TEXT, indicator_parent TEXT, indicator TEXT,
    indicator_id TEXT, target_raw TEXT, target_value REAL, target_unit TEXT, confidence REAL,
    needs_review INTEGER, review_reasons TEXT, reviewed TEXT, bbox TEXT, crop TEXT,
    PRIMARY KEY (agreement_id, row)
);
CREATE TABLE budget_lines (
    agreement_id TEXT NOT NULL REFERENCES agreements(agreement_id), row INTEGER NOT NULL, page INTEGER,
    name TEXT, amount INTEGER, raw TEXT, note TEXT, confidence REAL,
    needs_review INTEGER, review_reasons TEXT, reviewed TEXT, bbox TEXT, crop TEXT,
    PRIMARY KEY (agreement_id, row)
);
CREATE TABLE corrections (
    agreement_id TEXT NOT NULL REFERENCES agreements(agreement_id), kind TEXT NOT NULL, row INTEGER,
    field TEXT, from_value TEXT, to_value TEXT, method TEXT, score REAL
);
CREATE TABLE review_decisions (
    agreement_id TEXT NOT NULL REFERENCES agreements(agreement_id), kind TEXT NOT NULL, row INTEGER,
    field TEXT NOT NULL, decision TEXT NOT NULL, value TEXT, corrected_value TEXT, reasons TEXT,
    source_file TEXT, decided_at TEXT, status TEXT
);
CREATE INDEX targets_indicator ON targets(indicator);
CREATE INDEX targets_indicator_id ON targets(indicator_id);
CREATE INDEX corrections_agreement ON corrections(agreement_id, kind, row);
CREATE INDEX review_decisions_agreement ON review_decisions(agreement_id, kind, row);
"""


def _json(v: Any) -> str | None:
    return None if v is None else json.dumps(v, ensure_ascii=False)


def _bool(v: Any) -> int:
    return int(bool(v))


def agreement_records(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for d in docs:
        src = d.get("source") or {}
        rec = {"agreement_id": d["agreement_id"], "source_file": src.get("file"),
               "source_sha256": src.get("sha256"), "pages": _json(src.get("pages"))}
        rec.update({f.replace(".", "_"): header_value(d, f) for f in HEADER_FIELDS})
        rec.update({"signed_date_raw": d.get("signed_date_raw"),
                    "needs_review": _json(d.get("needs_review", [])),
                    "reviewed": _json(d.get("reviewed")), "warnings": _json(d.get("warnings", [])),
                    "targets": len(d.get("targets", ())), "budget_lines": len(d.get("budget", ()))})
        out.append(rec)
    return out


def _audit(item: dict[str, Any]) -> dict[str, Any]:
    return {"page": item.get("page"), "confidence": item.get("confidence"),
            "needs_review": _bool(item.get("needs_review")),
            "review_reasons": "; ".join(item.get("review_reasons", ())), "reviewed": item.get("reviewed"),
            "bbox": _json(item.get("bbox")), "crop": item.get("crop")}


def target_records(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for d in docs:
        for i, t in enumerate(d.get("targets", ()), 1):
            tv = t.get("target") or {}
            out.append({"agreement_id": d["agreement_id"], "row": i, "program": t.get("program"),
                        "activity": t.get("activity"), "strategic_goal": t.get("strategic_goal"),
                        "indicator_parent": t.get("indicator_parent"), "indicator": t.get("indicator"),
                        "indicator_id": t.get("indicator_id"), "target_raw": tv.get("raw"),
                        "target_value": tv.get("value"), "target_unit": tv.get("unit"), **_audit(t)})
    return out


def budget_records(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for d in docs:
        for i, b in enumerate(d.get("budget", ()), 1):
            out.append({"agreement_id": d["agreement_id"], "row": i, "name": b.get("name"),
                        "amount": b.get("amount"), "raw": b.get("raw"), "note": b.get("note"), **_audit(b)})
    return out


def correction_records(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []

    def add(aid: str, kind: str, row: int | None, c: dict[str, Any]) -> None:
        out.append({"agreement_id": aid, "kind": kind, "row": row, "field": c.get("field"),
                    "from_value": c.get("from"), "to_value": c.get("to"), "method": c.get("method"),
                    "score": c.get("score")})

    for d in docs:
        aid = d["agreement_id"]
        for c in d.get("header_corrections", ()):
            add(aid, "header", None, c)
        for kind, key in (("target", "targets"), ("budget", "budget")):
            for i, item in enumerate(d.get(key, ()), 1):
                for c in item.get("corrections", ()):
                    add(aid, kind, i, c)
    return out


def decision_records(docs: Sequence[dict[str, Any]], decisions: Iterable[Decision]) -> list[dict[str, Any]]:
    """The decisions about `docs`, each with `status`: applied, or why it matches nothing."""
    by_id = {d["agreement_id"]: d for d in docs}
    out = []
    for dec in decisions:
        doc = by_id.get(dec.agreement_id)
        if doc is not None:
            out.append({**dec.to_json(), "status": unmatched_reason(doc, dec) or "applied"})
    return out


TABLES = {
    "agreements": agreement_records, "targets": target_records, "budget_lines": budget_records,
    "corrections": correction_records,
}


def _fill(con: sqlite3.Connection, docs: Sequence[dict[str, Any]], decisions: Sequence[Decision]) -> None:
    con.executescript(SCHEMA)
    frames = {name: make(docs) for name, make in TABLES.items()}
    frames["review_decisions"] = decision_records(docs, decisions)
    for name, records in frames.items():
        if records:
            pd.DataFrame.from_records(records).to_sql(name, con, if_exists="append", index=False)
    con.commit()


def write_database(out_dir: Path, docs: Sequence[dict[str, Any]], decisions: Sequence[Decision] = ()) -> Path:
    """Write `DIR/agreements.sqlite` from `docs` (and the review `decisions` about them); its path."""
    path = Path(out_dir) / DATABASE_FILE
    # SQLite creates the temporary file itself, with the permissions of the umask (not mkstemp's 0600)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        try:
            _fill(con, docs, decisions)
        finally:
            con.close()
        os.replace(tmp, path)
    except (OSError, sqlite3.Error) as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


__all__ = ["DATABASE_FILE", "SCHEMA", "write_database"]
