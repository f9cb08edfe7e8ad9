"""ocr-pipeline: scanned Indonesian performance agreements to clean, audited data.

The Python API beside the command line::

    import ocr_pipeline

    summary = ocr_pipeline.run(["scans/"], "output/", workers=2, dpi=300)
    print(summary.line(), summary.exit_code)

`import ocr_pipeline` stays light: OpenCV, pdfplumber and the stages are imported
by the first `run`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("ocr-pipeline")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

if TYPE_CHECKING:
    from .pipeline import Summary


def run(inputs: str | os.PathLike | Iterable[str | os.PathLike], out_dir: str | os.PathLike, *,
        progress: bool | Callable[[int, int], None] = False, executor: Any = None,
        **settings: Any) -> Summary:
    """Extract every agreement of `inputs` (files, folders, globs) into `out_dir`, as `ocr-pipeline run`.

    `settings` are `RunConfig`'s fields and their parts' by name: `workers=2`, `dpi=300`,
    `force=True`, `catalogue="cat.csv"`, `scheduler="tcp://host:8786"`, `lang="ind"`,
    `deskew=False`, `max_pages=100`... (`config.run_config`). `progress=True` draws the
    CLI's progress on stderr; a callable gets `(pages done, pages in all)`. `executor`
    runs the tasks instead of local processes (a `distributed.Client`, a process pool).

    Returns the `Summary` (its `exit_code` is the CLI's); raises `PipelineError` for
    what stops the whole run (a missing Tesseract: `MissingDependencyError`). With more
    than one worker, call it under `if __name__ == "__main__":` in a script: the worker
    processes import the script's main module.
    """
    from . import pipeline
    from .config import run_config

    config = run_config(out_dir, **settings)
    items = [inputs] if isinstance(inputs, str | os.PathLike) else list(inputs)
    report = pipeline.stderr_progress() if progress is True else (progress or None)
    return pipeline.run(items, config, executor=executor, progress=report)


def __getattr__(name: str) -> Any:
    if name in ("Summary", "Outcome"):
        from . import pipeline

        return getattr(pipeline, name)
    if name == "RunConfig":
        from .config import RunConfig

        return RunConfig
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Outcome", "RunConfig", "Summary", "__version__", "run"]
