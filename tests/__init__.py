"""The tool's tests (a package, so shared helpers import as ``tests.support.x``)."""
