"""Exit codes and the errors of the pipeline.

Every error the pipeline raises on purpose is a `PipelineError`; its message
names the file and says what to do next, and its `exit_code` is what the CLI
returns when it ends a run.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    bad_args = 1
    input_file = 2  # some inputs failed; the others were written
    missing_dependency = 3
    ocr_failed = 4
    catalogue = 5
    output = 6  # the output folder could not be written (disk full, permissions)
    other = 15


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""

    exit_code = ExitCode.other


class BadArgsError(PipelineError):
    exit_code = ExitCode.bad_args


class InputFileError(PipelineError):
    """An input file cannot be read: not a PDF/image, broken, encrypted, too large..."""

    exit_code = ExitCode.input_file


class LimitExceededError(InputFileError):
    """An input is beyond a configured limit (pages, pixels, bytes, seconds)."""


class MissingDependencyError(PipelineError):
    """A program or language pack the pipeline needs is not installed."""

    exit_code = ExitCode.missing_dependency


class OcrError(PipelineError):
    exit_code = ExitCode.ocr_failed


class OcrTimeoutError(OcrError):
    """Tesseract took longer than the configured seconds per page."""


class OcrEngineError(OcrError):
    """Tesseract failed; the message keeps its stderr."""


class CatalogueError(PipelineError):
    """The indicator catalogue or a review file is malformed."""

    exit_code = ExitCode.catalogue


class OutputError(PipelineError):
    """The output folder cannot be written."""

    exit_code = ExitCode.output


class SchemaError(PipelineError):
    """A document about to be written does not satisfy the output contract (a bug)."""
