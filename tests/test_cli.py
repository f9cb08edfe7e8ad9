"""`ocr-pipeline run` from the command line: called in process, judged by its exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytesseract
import pytest

from ocr_pipeline import __version__, cli, pipeline
from ocr_pipeline._exec import tesseract

ROOT = Path(__file__).resolve().parent.parent
BORN_DIGITAL = ROOT.parent / "shared" / "realdata" / "pk_born_digital"
ONE_PAGE = BORN_DIGITAL / "PK BANDING.pdf"


def test_version_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"ocr-pipeline {__version__}"


@pytest.mark.parametrize("argv", [
    [],  # no command
    ["run"],  # no inputs, no --out
    ["run", "a.pdf"],  # no --out
    ["run", "a.pdf", "--out", "x", "--workers", "two"],
    ["run", "a.pdf", "--out", "x", "--no-such-option"],
    ["frobnicate"],
])
def test_bad_usage_exits_1(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 1
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("extra", [["--workers", "0"], ["--dpi", "10"], ["--max-pages", "0"]])
def test_bad_values_exit_1_before_any_work(tmp_path: Path, extra: list[str]) -> None:
    assert cli.main(["run", str(ONE_PAGE), "--out", str(tmp_path / "out"), *extra]) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.realdata
@pytest.mark.tesseract
def test_missing_input_exits_2_and_the_others_are_written(tmp_path: Path, corrections: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    missing = tmp_path / "nowhere.pdf"
    code = cli.main(["run", str(missing), str(ONE_PAGE), "--out", str(out), "--workers", "1",
                     "--corrections", str(corrections)])
    assert code == 2
    err = capsys.readouterr().err
    assert f"failed: {missing}: no such file" in err
    summary = err.strip().splitlines()[-1]  # the closing line: files, pages, agreements, flags, failures
    assert summary.startswith("2 files (1 failed), 1 pages, 1 agreements, ")
    assert "flagged for review" in summary
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))["files"]
    assert [e["status"] for e in manifest] == ["failed", "ok"]
    assert manifest[0]["error"].endswith("no such file")
    assert (out / "agreements" / f"{manifest[1]['agreement_ids'][0]}.json").exists()
    assert (out / "targets.csv").exists()


@pytest.mark.realdata
@pytest.mark.tesseract
def test_folders_and_globs_quiet(tmp_path: Path, corrections: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in" / "nested"
    folder.mkdir(parents=True)
    shutil.copy(ONE_PAGE, folder / "a.pdf")
    (folder / "notes.txt").write_text("not an input", "utf-8")
    out = tmp_path / "out"
    argv = ["--out", str(out), "--workers", "1", "--corrections", str(corrections), "-q"]
    assert cli.main(["run", str(tmp_path / "in"), *argv]) == 0
    assert capsys.readouterr().err == ""  # -q: errors only, no progress, no summary
    assert cli.main(["run", str(tmp_path / "in" / "*" / "*.pdf"), *argv]) == 0
    files = [e["file"] for e in json.loads((out / "manifest.json").read_text("utf-8"))["files"]]
    assert files == [str(folder / "a.pdf")]


@pytest.mark.tesseract
def test_folder_without_inputs_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert cli.main(["run", str(tmp_path / "empty"), "--out", str(tmp_path / "out"), "-q"]) == 2


def test_missing_tesseract_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    tesseract.version.cache_clear()
    tesseract.languages.cache_clear()
    try:
        code = cli.main(["run", str(ONE_PAGE), "--out", str(tmp_path / "out")])
    finally:
        tesseract.version.cache_clear()
        tesseract.languages.cache_clear()
    assert code == 3
    assert "apt-get install tesseract-ocr" in capsys.readouterr().err


@pytest.mark.tesseract
def test_missing_language_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", str(ONE_PAGE), "--out", str(tmp_path / "out"), "--lang", "xyz"]) == 3
    assert "tesseract-ocr-xyz" in capsys.readouterr().err


@pytest.mark.tesseract
def test_output_folder_in_use_exits_6(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    held = pipeline._lock(out)
    try:
        assert cli.main(["run", str(ONE_PAGE), "--out", str(out), "-q"]) == 6
    finally:
        pipeline._unlock(held)
    assert "another ocr-pipeline run is writing" in capsys.readouterr().err
