"""ocr-pipeline: scanned Indonesian performance agreements to clean, audited data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ocr-pipeline")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
