"""The exceptions the library raises. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class DerbesError(Exception):
    """Base of every error derbes raises on purpose."""


class SourceError(DerbesError):
    """A source, or one container in it, could not be read. The message names the source."""

    def __init__(
        self, source: str, reason: str, container: str | None = None, *,
        after_lines: int | None = None,
    ) -> None:
        self.source = source
        self.container = container
        #: The reason without the lines read before the failure, and those lines (when it
        #: names them: a byte range counts from its own start, and is renumbered when merged).
        self.fault = reason
        self.after_lines = after_lines
        if after_lines is not None:
            reason = after_lines_reason(reason, after_lines)
        self.reason = reason
        where = f"{source}: {container}" if container else source
        super().__init__(f"{where}: {reason}")


def after_lines_reason(fault: str, lines: int) -> str:
    """The reason of a reading that failed after ``lines`` lines."""
    return f"{fault} after {lines} lines"


def internal_error_reason(error: BaseException) -> str:
    """The reason of a container or task that a bug failed: the exception's type only, as its
    text may quote the data it choked on."""
    return f"internal error ({type(error).__name__})"


class ConfigError(DerbesError):
    """A scan configuration or option is wrong. The message names the file and line."""


class PolicyError(DerbesError):
    """A policy file is wrong. The message names the file and line."""


class DocumentError(DerbesError):
    """A document (a privacy policy to extract from) cannot be read. The message names it."""


class ClusterError(DerbesError):
    """A Dask cluster cannot be reached or used (``--dask``). The message names the scheduler."""
