"""Batches at scale: parallel, resumable, observable, and the same on a Dask cluster.

Small inputs: born-digital agreements of ../shared/realdata (their text layer is read
without OCR, about a second each) and one page of a sample scan (the OCR path).
Nothing here is timed: a rerun is shown to skip its work by counting task calls.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

import pytest

import ocr_pipeline
from ocr_pipeline import cli, pipeline
from ocr_pipeline.config import CleanupSettings, Limits, OcrSettings, RunConfig, run_config
from ocr_pipeline.errors import BadArgsError
from ocr_pipeline.ledger import Ledger

ROOT = Path(__file__).resolve().parent.parent
BORN_DIGITAL = ROOT.parent / "shared" / "realdata" / "pk_born_digital"
SMALL = ["PK BANDING.pdf", "LAMPIRAN PERJANJIAN KINERJA 2016 KADISPARBUD.pdf"]  # 1 page each
KILL = SMALL + ["RKT Lampiran II.pdf", "RKT Lampiran I.pdf", "Lampiran Renja 2016.pdf",
                "12. lampiran 3 RKT Tahun 2016.pdf"]  # 10 pages

# files that must be byte-identical between two runs of the same batch
SAME_BYTES = ("targets.csv", "budget.csv", "review.csv")


@pytest.fixture(scope="module")
def scan_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Page 2 of a sample scan (a target table) as a one-page PDF: the OCR path."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(ROOT / "scans" / "sim-kpu-provinsi-kaltim-2026-clean.pdf"))
    out = pdfium.PdfDocument.new()
    out.import_pages(src, [1])
    path = tmp_path_factory.mktemp("scan") / "kaltim-p2.pdf"
    out.save(str(path))
    return path


def small_batch(scan_page: Path) -> list[str]:
    return [str(BORN_DIGITAL / n) for n in SMALL] + [str(scan_page)]


def config(out: Path, corrections: Path, **kw) -> RunConfig:
    return RunConfig(out_dir=out, corrections=corrections, **kw)


def snapshot(out: Path) -> dict[str, object]:
    """What two runs of the same batch must share: every file name, the agreements, CSVs and crops
    byte for byte, and the manifest but for its seconds."""
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    same = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.is_file() and (rel in SAME_BYTES or rel.startswith(("agreements/", "crops/"))):
            same[rel] = p.read_bytes()
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    for entry in manifest["files"]:
        entry.pop("seconds")
    return {"names": names, "bytes": same, "manifest": manifest}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, scan_page: Path, corrections: Path) -> dict:
    """The small batch with one worker, in this process."""
    out = tmp_path_factory.mktemp("reference")
    summary = pipeline.run(small_batch(scan_page), config(out, corrections, workers=1))
    assert summary.failed == 0 and summary.files == 3 and summary.agreements >= 3
    return snapshot(out)


class Counting:
    """Counts calls of the page and agreement tasks (workers=1 runs them in this process)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.pages = self.agreements = 0
        pages_task, agreement_task = pipeline.pages_task, pipeline.agreement_task

        def page(info, chunk, config):
            self.pages += len(chunk)
            return pages_task(info, chunk, config)

        def agreement(*a):
            self.agreements += 1
            return agreement_task(*a)

        monkeypatch.setattr(pipeline, "pages_task", page)
        monkeypatch.setattr(pipeline, "agreement_task", agreement)


# --------------------------------------------------------------------------- parallel


@pytest.mark.realdata
@pytest.mark.tesseract
def test_two_workers_write_what_one_writes(tmp_path: Path, scan_page: Path, corrections: Path,
                                           reference: dict) -> None:
    summary = pipeline.run(small_batch(scan_page), config(tmp_path, corrections, workers=2))
    assert summary.failed == 0
    assert snapshot(tmp_path) == reference


# --------------------------------------------------------------------------- resume


@pytest.mark.realdata
@pytest.mark.tesseract
def test_rerun_of_a_finished_batch_runs_no_task(tmp_path: Path, corrections: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [str(BORN_DIGITAL / n) for n in SMALL]
    first = pipeline.run(inputs, config(tmp_path, corrections, workers=1))
    before = snapshot(tmp_path)
    calls = Counting(monkeypatch)
    again = pipeline.run(inputs, config(tmp_path, corrections, workers=2))  # workers do not matter
    assert (calls.pages, calls.agreements) == (0, 0)
    assert again.reused == 2 and again.failed == 0 and "2 already done" in again.line()
    assert (again.pages, again.agreements, again.flagged) == (first.pages, first.agreements, first.flagged)
    assert snapshot(tmp_path) == before
    assert [o.seconds for o in again.outcomes] == pytest.approx([o.seconds for o in first.outcomes], abs=0.01)


@pytest.mark.realdata
@pytest.mark.tesseract
def test_changed_setting_file_or_version_is_redone(tmp_path: Path, corrections: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    src = BORN_DIGITAL / SMALL[0]
    one = tmp_path / "in" / "agreement.pdf"
    one.parent.mkdir()
    shutil.copy(src, one)
    out = tmp_path / "out"
    calls = Counting(monkeypatch)

    def run(**kw) -> pipeline.Summary:
        return pipeline.run([one], config(out, corrections, workers=1, **kw))

    run()
    assert calls.pages == 1
    run(dpi=200)  # a setting that changes results
    assert calls.pages == 2
    back = run()  # back to 300 dpi: the files now hold the 200 dpi results, so it is redone too
    assert calls.pages == 3 and back.reused == 0
    same = run(keep_work=True, limits=Limits(max_pages=50, seconds_per_page=60))  # change nothing
    assert calls.pages == 3 and same.reused == 1
    (corrections_copy := tmp_path / "corr").mkdir()
    shutil.copytree(corrections, corrections_copy, dirs_exist_ok=True)
    with open(corrections_copy / "lexicon.txt", "a", encoding="utf-8") as fh:
        fh.write("katabaru\n")
    pipeline.run([one], config(out, corrections_copy, workers=1))  # another lexicon
    assert calls.pages == 4
    monkeypatch.setattr(pipeline, "pipeline_version", lambda: "9.9.9+other")
    run()  # another pipeline version
    assert calls.pages == 5
    shutil.copy(BORN_DIGITAL / SMALL[1], one)  # another file under the same name
    changed = run()
    assert calls.pages == 6
    assert changed.outcomes[0].sha256 != pipeline.ingest.sha256_of(src)
    assert not changed.outcomes[0].reused


def test_result_key_covers_what_changes_results_and_nothing_else(tmp_path: Path) -> None:
    corr = tmp_path / "corr"
    corr.mkdir()
    (corr / "catalogue.csv").write_text("kind,text\n", "utf-8")
    (corr / "lexicon.txt").write_text("kinerja\n", "utf-8")
    base = RunConfig(out_dir=tmp_path / "a", corrections=corr)
    key = base.result_key(engine="5.3.0")
    same = [replace(base, out_dir=tmp_path / "b"), replace(base, workers=7), replace(base, force=True),
            replace(base, keep_work=True), replace(base, scheduler="tcp://h:8786"),
            replace(base, progress=False), replace(base, limits=Limits(max_pages=3, seconds_per_page=9))]
    for c in same:
        assert c.result_key(engine="5.3.0") == key, c
    copy = tmp_path / "copy"
    shutil.copytree(corr, copy)
    assert replace(base, corrections=copy).result_key(engine="5.3.0") == key  # content, not path
    changed = [replace(base, dpi=200), replace(base, cleanup=CleanupSettings(deskew=False)),
               replace(base, ocr=OcrSettings(lang="ind")), replace(base, ocr=OcrSettings(psm=6))]
    for c in changed:
        assert c.result_key(engine="5.3.0") != key, c
    assert base.result_key(engine="5.4.0") != key
    (corr / "lexicon.txt").write_text("kinerja\nsasaran\n", "utf-8")
    assert base.result_key(engine="5.3.0") != key
    key = base.result_key(engine="5.3.0")
    (corr / "dictionary.txt").write_text("kinerja\n", "utf-8")  # the language's words
    assert base.result_key(engine="5.3.0") != key
    other = tmp_path / "other.csv"
    other.write_text("kind,text\nindicator,x\n", "utf-8")
    assert replace(base, catalogue=other).result_key(engine="5.3.0") != base.result_key(engine="5.3.0")


def test_ledger_keeps_one_row_per_input(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite")
    ledger.record("s1", "k1", "v", "a.pdf", ["pk-1"], 1.0, {"ocr": [1]}, 0)
    ledger.record("s1", "k2", "v", "a.pdf", ["pk-1"], 1.0, {"ocr": [1]}, 0)
    assert ledger.done("s1", "k1", "v") is None  # its files now hold the k2 results
    assert ledger.done("s1", "k2", "v")["agreements"] == ["pk-1"]
    ledger.forget("s1")
    assert ledger.done("s1", "k2", "v") is None
    ledger.close()


def descendants(pid: int) -> list[int]:
    """The processes under `pid` (Linux /proc)."""
    parents = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                parents[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [pid]
    while todo:
        parent = todo.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        out += kids
        todo += kids
    return out


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.realdata
@pytest.mark.tesseract
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_kill_9_mid_batch_then_rerun_equals_an_uninterrupted_run(tmp_path: Path, corrections: Path) -> None:
    inputs = [str(BORN_DIGITAL / n) for n in KILL]
    whole = tmp_path / "whole"
    pipeline.run(inputs, config(whole, corrections, workers=2))

    out = tmp_path / "killed"
    cmd = [sys.executable, "-m", "ocr_pipeline", "run", *inputs, "--out", str(out), "--workers", "2",
           "--corrections", str(corrections), "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while not list((out / "agreements").glob("*.json")):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "no agreement written in 120 s"
            time.sleep(0.01)
        family = descendants(proc.pid)  # the fork server, its workers, the resource tracker
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "manifest.json").exists(), "the run had ended before it was killed"
    assert family, "the run had no worker processes"
    while (alive := [pid for pid in family if running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive, f"processes of the killed run still alive: {alive}"

    assert cli.main(["run", *inputs, "--out", str(out), "--workers", "2", "--corrections", str(corrections),
                     "-q"]) == 0
    assert snapshot(out) == snapshot(whole)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert all(e["status"] == "ok" for e in manifest["files"])


@pytest.mark.realdata
@pytest.mark.tesseract
def test_leftovers_of_a_killed_run_are_cleared(tmp_path: Path, corrections: Path) -> None:
    inputs = [str(BORN_DIGITAL / SMALL[0])]
    pipeline.run(inputs, config(tmp_path, corrections, workers=1))
    before = snapshot(tmp_path)
    # what a kill -9 can leave: half-written temporary files, work images, an old split
    (tmp_path / "agreements" / ".pk-x.json.abc123.tmp").write_text("{", "utf-8")
    (tmp_path / ".targets.csv.def456.tmp").write_text("partial", "utf-8")
    (tmp_path / ".work" / "0123456789abcdef").mkdir(parents=True)
    (tmp_path / ".work" / "0123456789abcdef" / "p0001_clean.npy").write_bytes(b"\x93NUMPY broken")
    summary = pipeline.run(inputs, config(tmp_path, corrections, workers=1))
    assert summary.reused == 1
    assert snapshot(tmp_path) == before


def test_work_images_are_lossless_and_written_by_rename(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    img = np.where(rng.random((300, 200)) < 0.05, 0, 255).astype(np.uint8)
    target = tmp_path / "w" / "p0001_clean.npy"
    pipeline._write_work_image(target, img)
    assert np.array_equal(pipeline._read_work_image(target), img)
    assert [p.name for p in target.parent.iterdir()] == ["p0001_clean.npy"]
    target.write_bytes(target.read_bytes()[:100])  # cut short: no image, no crash
    assert pipeline._read_work_image(target) is None
    assert pipeline._read_work_image(tmp_path / "missing.npy") is None


@pytest.mark.realdata
@pytest.mark.tesseract
def test_a_dead_worker_pool_fails_the_rest_and_still_writes_the_views(tmp_path: Path,
                                                                     corrections: Path) -> None:
    class Broken:
        slots = 1

        def submit(self, fn, *args):
            raise BrokenProcessPool("a worker was killed")

    inputs = [str(BORN_DIGITAL / n) for n in SMALL]
    summary = pipeline.run(inputs, config(tmp_path, corrections), executor=Broken())
    assert summary.failed == 2 and summary.exit_code == 2
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert all("rerun" in e["error"] for e in manifest["files"])


# --------------------------------------------------------------------------- cluster


@pytest.mark.realdata
@pytest.mark.tesseract
def test_dask_cluster_writes_what_one_worker_writes(tmp_path: Path, scan_page: Path, corrections: Path,
                                                    reference: dict) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        code = cli.main(["run", *small_batch(scan_page), "--out", str(tmp_path), "--corrections",
                         str(corrections), "--scheduler", cluster.scheduler_address, "-q"])
    assert code == 0
    assert snapshot(tmp_path) == reference


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    with pytest.raises(BadArgsError, match="cannot reach the Dask scheduler"):
        pipeline._DaskExecutor.connect("tcp://127.0.0.1:9", timeout=2)  # the discard port: nobody listens


# --------------------------------------------------------------------------- API, progress


def test_import_is_light() -> None:
    code = ("import sys, ocr_pipeline; heavy = [m for m in ('cv2', 'numpy', 'pdfplumber', 'pandas', "
            "'ocr_pipeline.pipeline') if m in sys.modules]; assert not heavy, heavy; "
            "assert callable(ocr_pipeline.run)")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.realdata
@pytest.mark.tesseract
def test_python_api_runs_a_batch(tmp_path: Path, corrections: Path) -> None:
    summary = ocr_pipeline.run(BORN_DIGITAL / SMALL[0], tmp_path, workers=1, corrections=corrections)
    assert isinstance(summary, ocr_pipeline.Summary)
    assert (summary.files, summary.failed, summary.exit_code) == (1, 0, 0)
    assert (tmp_path / "agreements" / f"{summary.outcomes[0].agreements[0]}.json").exists()


def test_settings_by_name() -> None:
    c = run_config("out", workers=3, dpi=200, lang="ind", deskew=False, max_pages=9, catalogue="c.csv")
    assert (c.workers, c.dpi, c.ocr.lang, c.cleanup.deskew, c.limits.max_pages) == (3, 200, "ind", False, 9)
    assert c.catalogue == Path("c.csv")
    with pytest.raises(BadArgsError, match="unknown setting"):
        run_config("out", wrokers=2)


def test_progress_is_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    show = pipeline.stderr_progress(stream)
    for done in range(1, 27):
        show(done, 26)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1  # at most one line every 10 s, and the last
    assert lines[-1].startswith("progress: 26/26 pages (100%)") and "pages/min" in lines[-1]
    assert "\r" not in stream.getvalue()


def test_progress_is_a_bar_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    show = pipeline.stderr_progress(stream)
    for done in range(1, 4):
        show(done, 3)
    show.close()  # type: ignore[attr-defined]
    assert "3/3" in stream.getvalue() and "\r" in stream.getvalue()
