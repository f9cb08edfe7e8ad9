"""Write the contract's files: agreement JSON, targets/budget/review CSV, manifest.

Every file is written to a temporary name in its folder and renamed into place,
so a crash or a full disk never leaves a half-written file behind. Every
agreement is validated against `agreement.schema.json` before it is written.

CSV files are UTF-8 with a byte-order mark (so Excel opens them as UTF-8), one
header row, columns as documented in the README.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OutputError, SchemaError
from ..records import HEADER_FIELDS, Agreement, header_value

if TYPE_CHECKING:
    import jsonschema

AGREEMENTS_DIR = "agreements"

TARGET_COLUMNS = (
    "agreement_id", "source_file", "row", "page", "program", "activity", "strategic_goal",
    "indicator_parent", "indicator", "indicator_id", "target_raw", "target_value", "target_unit",
    "confidence", "needs_review", "review_reasons", "corrections", "bbox",
)
BUDGET_COLUMNS = (
    "agreement_id", "source_file", "line", "page", "name", "amount", "raw", "note",
    "confidence", "needs_review", "review_reasons", "corrections", "bbox",
)
REVIEW_COLUMNS = (
    "agreement_id", "source_file", "kind", "row", "field", "value", "page", "bbox",
    "confidence", "reasons", "decision", "corrected_value",
)


@cache
def schema() -> dict[str, Any]:
    text = resources.files("ocr_pipeline").joinpath("agreement.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # here: 0.1 s of import that every process paid before its first page

    return jsonschema.Draft202012Validator(schema())


def schema_errors(doc: Any) -> list[str]:
    """Every way `doc` breaks the output contract, as `path: message` lines."""
    out = []
    for err in sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in err.absolute_path) or "(document)"
        out.append(f"{path}: {err.message}")
    return out


def validate(doc: dict[str, Any]) -> None:
    """Raise `SchemaError` naming every violation when `doc` breaks the contract."""
    errs = schema_errors(doc)
    if errs:
        ident = doc.get("agreement_id", "?") if isinstance(doc, dict) else "?"
        raise SchemaError(f"agreement {ident} breaks the output contract: " + "; ".join(errs[:5]))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), 0o666 & ~_UMASK)  # mkstemp makes 0600; others may read outputs
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def remove_temp_files(folder: Path) -> int:
    """Delete the temporary files a killed run left under `folder` (`.NAME.XXXX.tmp`); how many.

    Only safe while no other run writes into `folder` (the pipeline holds a lock).
    """
    n = 0
    for p in Path(folder).rglob(".*.tmp"):
        if p.is_file():
            p.unlink(missing_ok=True)
            n += 1
    return n


def dumps(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def agreement_path(out_dir: Path, agreement_id: str) -> Path:
    return Path(out_dir) / AGREEMENTS_DIR / f"{agreement_id}.json"


def write_agreement(out_dir: Path, agreement: Agreement | dict[str, Any]) -> Path:
    """Validate one agreement and write `DIR/agreements/<agreement_id>.json`."""
    doc = agreement.to_json() if isinstance(agreement, Agreement) else agreement
    validate(doc)
    path = agreement_path(out_dir, doc["agreement_id"])
    atomic_write(path, dumps(doc))
    return path


def read_agreements(out_dir: Path) -> list[dict[str, Any]]:
    """Every agreement JSON under `DIR/agreements`, sorted by id."""
    folder = Path(out_dir) / AGREEMENTS_DIR
    docs = []
    for p in sorted(folder.glob("*.json")):
        docs.append(json.loads(p.read_text("utf-8")))
    return docs


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, list | tuple):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _fmt(r.get(k)) for k in columns})
    return buf.getvalue()


def target_records(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for d in docs:
        for i, t in enumerate(d.get("targets", ()), 1):
            tv = t.get("target") or {}
            out.append({
                "agreement_id": d["agreement_id"], "source_file": d["source"]["file"], "row": i,
                "page": t.get("page"), "program": t.get("program"), "activity": t.get("activity"),
                "strategic_goal": t.get("strategic_goal"),
                "indicator_parent": t.get("indicator_parent"), "indicator": t.get("indicator"),
                "indicator_id": t.get("indicator_id"), "target_raw": tv.get("raw"),
                "target_value": tv.get("value"), "target_unit": tv.get("unit"),
                "confidence": t.get("confidence"), "needs_review": t.get("needs_review"),
                "review_reasons": "; ".join(t.get("review_reasons", ())),
                "corrections": t.get("corrections") or "", "bbox": t.get("bbox"),
            })
    return out


def budget_records(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for d in docs:
        for i, b in enumerate(d.get("budget", ()), 1):
            out.append({
                "agreement_id": d["agreement_id"], "source_file": d["source"]["file"], "line": i,
                "page": b.get("page"), "name": b.get("name"), "amount": b.get("amount"),
                "raw": b.get("raw"), "note": b.get("note"), "confidence": b.get("confidence"),
                "needs_review": b.get("needs_review"),
                "review_reasons": "; ".join(b.get("review_reasons", ())),
                "corrections": b.get("corrections") or "", "bbox": b.get("bbox"),
            })
    return out


def review_records(docs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per value a person should check: flagged header fields, rows, lines."""
    out = []
    for d in docs:
        base = {"agreement_id": d["agreement_id"], "source_file": d["source"]["file"]}
        reasons_by_field: dict[str, list[str]] = {}
        for w in d.get("warnings", ()):
            if ": " in w:
                f, why = w.split(": ", 1)
                reasons_by_field.setdefault(f, []).append(why)
        for path in d.get("needs_review", ()):
            out.append({**base, "kind": "header", "row": "", "field": path,
                        "value": header_value(d, path),
                        "page": (d["source"]["pages"] or [None])[0],
                        "reasons": "; ".join(reasons_by_field.get(path, ())) or "check this field"})
        for i, t in enumerate(d.get("targets", ()), 1):
            if t.get("needs_review"):
                tv = t.get("target") or {}
                out.append({**base, "kind": "target", "row": i, "field": "target",
                            "value": f"{t.get('indicator')} = {tv.get('raw')}",
                            "page": t.get("page"), "bbox": t.get("bbox"),
                            "confidence": t.get("confidence"),
                            "reasons": "; ".join(t.get("review_reasons", ()))})
        for i, b in enumerate(d.get("budget", ()), 1):
            if b.get("needs_review"):
                out.append({**base, "kind": "budget", "row": i, "field": "amount",
                            "value": f"{b.get('name')} = {b.get('raw')}",
                            "page": b.get("page"), "bbox": b.get("bbox"),
                            "confidence": b.get("confidence"),
                            "reasons": "; ".join(b.get("review_reasons", ()))})
    return out


def write_tables(out_dir: Path, docs: Sequence[dict[str, Any]]) -> None:
    """Write targets.csv, budget.csv and review.csv for all agreements in `docs`."""
    out_dir = Path(out_dir)
    atomic_write(out_dir / "targets.csv", _csv(TARGET_COLUMNS, target_records(docs)))
    atomic_write(out_dir / "budget.csv", _csv(BUDGET_COLUMNS, budget_records(docs)))
    atomic_write(out_dir / "review.csv", _csv(REVIEW_COLUMNS, review_records(docs)))


def write_manifest(out_dir: Path, entries: Sequence[dict[str, Any]]) -> None:
    atomic_write(Path(out_dir) / "manifest.json", dumps({"files": list(entries)}))


__all__ = [
    "BUDGET_COLUMNS", "HEADER_FIELDS", "REVIEW_COLUMNS", "TARGET_COLUMNS", "agreement_path",
    "atomic_write", "read_agreements", "remove_temp_files", "schema", "schema_errors", "validate",
    "write_agreement", "write_manifest", "write_tables",
]
