"""report.html: one file, offline, that shows a person the flagged values beside their crops.

The page test opens the report in headless Chromium (driven over the DevTools
protocol on a pipe, no extra package) and checks what a person would see: the text
as rendered, the crop images as decoded, and the filter hiding what needs no review.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from ocr_pipeline import report, review
from ocr_pipeline.review import Decision
from ocr_pipeline.stages import export

AID = "pk-0123456789ab-01"
FLAGGED_RAW = "2.477 A71"
CLEAN_INDICATOR = "Persentase layanan administrasi"
EVIL = "<script>alert(1)</script> & \"quotes\""
CHROMIUM = shutil.which("chromium")


def crop(out: Path, rel: str, text: str, size: tuple[int, int] = (120, 700)) -> str:
    img = np.full(size, 255, np.uint8)
    cv2.putText(img, text, (10, size[0] // 2 + 10), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out / rel), img)
    return rel


def target(indicator: str, raw: str, value: float | None, unit: str | None, *reasons: str,
           crop_path: str | None = None) -> dict[str, Any]:
    t = {"program": "Program Dukungan Manajemen", "activity": None, "strategic_goal": "Meningkatnya produksi",
         "indicator": indicator, "indicator_id": None, "indicator_parent": None,
         "target": {"raw": raw, "value": value, "unit": unit}, "page": 2,
         "bbox": [332.9, 797.3, 2322.6, 1575.3],
         "confidence": 0.28 if reasons else 1.0, "needs_review": bool(reasons),
         "review_reasons": list(reasons), "corrections": []}
    if crop_path:
        t["crop"] = crop_path
    return t


def documents(out: Path) -> list[dict[str, Any]]:
    flagged = target("Kambing", FLAGGED_RAW, 2477, "a71", "low OCR confidence (0.28)",
                     crop_path=crop(out, f"crops/{AID}/target-001.png", "Kambing 2.477.171"))
    flagged["corrections"] = [{"field": "target", "from": "2.477 A7l", "to": FLAGGED_RAW, "method": "rule"}]
    doc = {
        "schema_version": "1.0", "agreement_id": AID,
        "source": {"file": "scans/PK Kadis.pdf", "sha256": "6" * 64, "pages": [1, 2, 3]},
        "title": "PERJANJIAN KINERJA TAHUN 2016", "year": 2016, "organization": "DINAS PETERNAKAN",
        "subunit": None, "first_party": {"name": "Ir. DODY", "position": "KEPALA DINAS PETERNAKAN"},
        "second_party": {"name": "AHMAD HERYAWAN", "position": "GUBERNUR JAWA BARAT"},
        "signed_place": "Bandung", "signed_date": None, "signed_date_raw": "2016",
        "targets": [flagged, target(CLEAN_INDICATOR, "100 %", 100, "%"), target(EVIL, "5", 5, None)],
        "budget": [{"name": "Pengelolaan Keuangan", "amount": 4105373000, "raw": "Rp 4.105.373.000,-",
                    "note": "APBD", "page": 3, "confidence": 1.0, "needs_review": False, "review_reasons": [],
                    "corrections": []}],
        "needs_review": ["first_party.position"],
        "warnings": ["first_party.position: low OCR confidence (0.00)"],
        "review_crops": {"first_party.position": crop(out, f"crops/{AID}/header-first_party.position.png",
                                                      "KEPALA DINAS", (60, 500))},
    }
    clean = json.loads(json.dumps(doc))
    clean.update(agreement_id="pk-0123456789ab-02", needs_review=[], warnings=[],
                 organization="DINAS KOMINFO")
    clean["targets"] = [target("Indeks kepuasan masyarakat", "82", 82, None)]
    del clean["review_crops"]
    for d in (doc, clean):
        export.write_agreement(out, d)
    return [doc, clean]


MANIFEST = [
    {"file": "scans/PK Kadis.pdf", "status": "ok", "error": None, "agreements": 2, "pages": 3,
     "seconds": 6.1},
    {"file": "scans/broken.pdf", "status": "failed", "error": "scans/broken.pdf: not a PDF or image file",
     "agreements": 0, "pages": 0, "seconds": 0.0},
]


def test_report_is_one_escaped_file_with_the_crops_inside(tmp_path: Path) -> None:
    docs = documents(tmp_path)
    path = report.write_report(tmp_path, docs, MANIFEST)
    text = path.read_text("utf-8")
    assert path == tmp_path / "report.html"
    assert text.count("data:image/png;base64,") == 2
    assert not re.search(r"""(src|href)=["'](?!data:|#)""", text)  # nothing fetched from elsewhere
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "scans/broken.pdf: not a PDF or image file" in text
    assert "Rp 4.105.373.000" in text


def test_reviewed_values_show_the_decision_and_leave_the_filter(tmp_path: Path) -> None:
    doc, clean = documents(tmp_path)
    doc, _ = review.apply_decisions(doc, [Decision(AID, "target", 1, "target", "correct", "2.477.171")])
    text = report.render_report([doc, clean], MANIFEST, {})
    assert "corrected by reviewer" in text and "needs review" in text  # the header field is still open
    detail = text[text.index('<tr class="detail', text.index(">2.477.171<")):]
    detail = detail[:detail.index('<tr class="ok"')]
    assert detail.startswith('<tr class="detail ok">')  # hidden by the filter now
    assert "crop not in this report: crops/" in detail  # (rendered without images)
    assert "<td>2.477 A71</td><td>2.477.171</td><td>review</td>" in detail


def test_report_stays_small_with_many_crops(tmp_path: Path) -> None:
    noisy = np.random.default_rng(7).integers(0, 256, (120, 1000), dtype=np.uint8)  # nothing compresses
    rels = [crop(tmp_path, f"c/{i}.png", f"row {i}: 12.285.690") for i in range(20)]
    for i in range(20, 40):
        cv2.imwrite(str(tmp_path / "c" / f"{i}.png"), noisy)
        rels.append(f"c/{i}.png")
    budget = 200_000  # 5 kB a crop
    images = report.embed_crops(tmp_path, rels, budget=budget)
    assert sum(len(v) - len("data:image/png;base64,") for v in images.values()) * 3 / 4 <= budget
    assert set(rels[:20]) <= set(images)  # text crops fit (narrowed where needed); noise is left out
    assert report.embed_crops(tmp_path, ["../outside.png", "c/missing.png"]) == {}


def _high_fd(fd: int) -> int:
    """The same file on a descriptor >= 10, so bash's `3<&N 4>&M` cannot clobber it."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class DevTools:
    """Headless Chromium driven over --remote-debugging-pipe (fd 3 in, fd 4 out)."""

    def __init__(self, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        to_browser_r, from_browser_w = _high_fd(to_browser_r), _high_fd(from_browser_w)  # not 3 or 4
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--remote-debugging-pipe", "--window-size=1280,1600",
                 "about:blank"]
        self.proc = subprocess.Popen(
            ["bash", "-c", f'exec "$@" 3<&{to_browser_r} 4>&{from_browser_w}', "bash", CHROMIUM, *flags],
            pass_fds=(to_browser_r, from_browser_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buf = b""
        self._id = 0
        self.session: str | None = None

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 20) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        end = time.monotonic() + timeout
        while True:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply["result"]
            left = end - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise TimeoutError(method)
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buf += chunk

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})
        self.js("new Promise(r => document.readyState === 'complete' ? r(1)"
                " : addEventListener('load', () => r(1)))")

    def js(self, expression: str) -> Any:
        res = self.send("Runtime.evaluate",
                        {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in res:
            raise RuntimeError(res["exceptionDetails"])
        return res["result"].get("value")

    def close(self) -> None:
        try:
            os.close(self._to_browser)
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        finally:
            os.close(self._from_browser)


@pytest.fixture
def browser(tmp_path: Path):
    b = DevTools(tmp_path / "profile")
    try:
        yield b
    finally:
        b.close()


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (scripts/setup.sh installs it)")
def test_a_person_sees_flagged_values_beside_their_crops(tmp_path: Path, browser: DevTools) -> None:
    out = tmp_path / "out"
    path = report.write_report(out, documents(out), MANIFEST)
    browser.open(path.as_uri())
    seen = browser.js("document.body.innerText")
    for text in (FLAGGED_RAW, "low OCR confidence (0.28)", "needs review", "2.477 A7l", "rule",
                 CLEAN_INDICATOR, EVIL, "scans/broken.pdf: not a PDF or image file", "Rp 4.105.373.000"):
        assert text in seen
    images = browser.js("[...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight,"
                        " i.getBoundingClientRect().width])")
    assert len(images) == 2
    assert all(done and w > 0 and h > 0 and shown > 0 for done, w, h, shown in images)
    assert browser.js("performance.getEntriesByType('resource').length") == 0  # nothing fetched
    # the crop is shown beside the flagged value: same detail row
    assert browser.js("[...document.images].map(i => i.closest('tr').innerText).some(t =>"
                      " t.includes('Kambing = 2.477 A71') && t.includes('low OCR confidence (0.28)'))")

    browser.js("document.getElementById('only-review').click()")
    filtered = browser.js("document.body.innerText")
    assert FLAGGED_RAW in filtered and "low OCR confidence (0.00)" in filtered
    assert CLEAN_INDICATOR not in filtered and "DINAS KOMINFO" not in filtered and EVIL not in filtered
    assert browser.js("[...document.images].every(i => i.getBoundingClientRect().width > 0)")

    browser.js("document.getElementById('only-review').click()")
    assert CLEAN_INDICATOR in browser.js("document.body.innerText")
