"""The resume ledger: an SQLite database (WAL) in the output folder.

One row per finished input, keyed by the input's content hash, the settings that
change results (`RunConfig.result_key`) and the pipeline version. A rerun skips
an input whose key is in the ledger and whose agreement files exist; a changed
file, setting or version has another key and is done again.

The agreement files are named after the input's content, not the key, so the
ledger holds at most one row per input: before an input's files are rewritten its
row is removed (`forget`), and a new row is written (`record`) only after every
agreement file of it has been written (atomically). A `kill -9` at any moment
therefore leaves either a complete input or one that is redone, and going back to
earlier settings never reuses files written under later ones.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from .errors import OutputError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS done (
    sha256 TEXT NOT NULL,
    result_key TEXT NOT NULL,
    version TEXT NOT NULL,
    file TEXT NOT NULL,
    agreements TEXT NOT NULL,
    seconds REAL NOT NULL,
    pages_read TEXT NOT NULL,
    flagged INTEGER NOT NULL,
    finished_at REAL NOT NULL,
    PRIMARY KEY (sha256, result_key, version)
)
"""


class Ledger:
    def __init__(self, path: Path) -> None:
        try:
            self.db = sqlite3.connect(str(path), timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute(_SCHEMA)
            self.db.commit()
        except sqlite3.Error as exc:
            raise OutputError(f"cannot open the resume ledger {path}: {exc}") from exc

    def done(self, sha256: str, result_key: str, version: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT agreements, seconds, pages_read, flagged FROM done "
            "WHERE sha256=? AND result_key=? AND version=?", (sha256, result_key, version)
        ).fetchone()
        if row is None:
            return None
        return {"agreements": json.loads(row[0]), "seconds": row[1], "pages_read": json.loads(row[2]),
                "flagged": row[3]}

    def record(self, sha256: str, result_key: str, version: str, file: str, agreements: list[str],
               seconds: float, pages_read: dict[str, list[int]], flagged: int) -> None:
        """The input `sha256` is done under `result_key` and `version` (its only row)."""
        try:
            with self.db:  # one transaction
                self.db.execute("DELETE FROM done WHERE sha256=?", (sha256,))
                self.db.execute(
                    "INSERT INTO done VALUES (?,?,?,?,?,?,?,?,?)",
                    (sha256, result_key, version, file, json.dumps(agreements), seconds,
                     json.dumps(pages_read), flagged, time.time()),
                )
        except sqlite3.Error as exc:
            raise OutputError(f"cannot write the resume ledger: {exc}") from exc

    def forget(self, sha256: str) -> None:
        """The input `sha256` is no longer done: its files are about to be rewritten."""
        try:
            with self.db:
                self.db.execute("DELETE FROM done WHERE sha256=?", (sha256,))
        except sqlite3.Error as exc:
            raise OutputError(f"cannot write the resume ledger: {exc}") from exc

    def close(self) -> None:
        self.db.close()
