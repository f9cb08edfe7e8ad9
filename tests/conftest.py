"""Shared test options: `--runslow` runs the tests marked slow (whole corpora); property tests are
repeatable unless run with `--hypothesis-profile=explore`."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

# The test command is repeatable: property tests draw the same examples on every run, so a red CI
# run is a change's fault, not the dice's. `make fuzz` explores new examples.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", max_examples=2000, deadline=None)
settings.load_profile("repeatable")

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"


def copy_corrections(d: Path) -> Path:
    """A private copy of the catalogue, lexicon and word lists in `d` (tests may edit it; others may edit
    corrections/ meanwhile)."""
    d.mkdir(parents=True, exist_ok=True)
    for name in ("catalogue.csv", "lexicon.txt", "dictionary.txt", "english.txt.gz"):
        if (ROOT / "corrections" / name).exists():
            shutil.copy(ROOT / "corrections" / name, d / name)
    return d


def fake_server(folder: Path, before: str) -> Path:
    """A Tesseract server that runs `before` (Python: `request` is the request, `images` its
    images' shapes, `n` its number among this folder's requests that read images) on every
    request, then answers as the real one: a Tesseract that crashes, hangs or fails on cue."""
    real = ROOT / "ocr_pipeline" / "_exec"
    path = folder / "tesseract_server"
    path.write_text(f"""#!{sys.executable} -I
import os, signal, sys, time
sys.path.insert(0, {str(real)!r})
import tesseract_server as real

def reply(engine, request, pixels):
    images = request["images"]
    n = 0
    if images:
        count = {str(folder / "requests")!r}
        n = int(open(count).read()) + 1 if os.path.exists(count) else 1
        open(count, "w").write(str(n))
{textwrap.indent(textwrap.dedent(before), "    ")}
    return real.answer(engine, request, pixels)

real.serve(reply)
""", "utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture(scope="module")
def corrections(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`copy_corrections` once per test module."""
    return copy_corrections(tmp_path_factory.mktemp("corrections"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run the slow corpus tests")
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*/expected.json from the current output")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_slow = pytest.mark.skip(reason="slow: run with --runslow")
    skip_tess = pytest.mark.skip(reason="needs the tesseract binary")
    skip_real = pytest.mark.skip(reason=f"needs {REALDATA}")
    have_tess = shutil.which("tesseract") is not None
    for item in items:
        if "slow" in item.keywords and not config.getoption("--runslow"):
            item.add_marker(skip_slow)
        if "tesseract" in item.keywords and not have_tess:
            item.add_marker(skip_tess)
        if "realdata" in item.keywords and not REALDATA.exists():
            item.add_marker(skip_real)
