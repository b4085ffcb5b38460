"""Domain errors a user can cause, each with a stable code and advice.

Modelled on OCRmyPDF's ``exceptions.py``: every failure caused by an input is
a named exception whose ``code`` is written to ``rejected.jsonl`` and whose
message says what to do about it.  Exit codes live here and nowhere else, so
the CLI and the flows map outcomes to process status in one way.

Tests assert on the type and on ``code``, never on message text.
"""

from __future__ import annotations

from typing import ClassVar

from models.records import ErrorCode, Rejection

# Exit statuses of every ``yusuan`` command (RECORDS.md, "Command", and README "Exit statuses").
EXIT_OK = 0  # every input was processed (records needing review included)
EXIT_REJECTED = 1  # at least one input was rejected; the others were processed
EXIT_USAGE = 2  # bad command line or settings: nothing was started
EXIT_ENVIRONMENT = 3  # the machine, not the input: database unreachable, engine missing, orchestration failed
# Every input was read, but a document with pages gave no fact: a scan yusuan could not make sense of
# (a look it cannot read, a page that is no budget table) must not pass for a success a script ignores.
EXIT_NO_FACTS = 4


def exit_status(n_rejected: int, environment_fault: bool = False, n_without_facts: int = 0) -> int:
    """The exit status of a batch run that got past argument checking.

    A fault of the environment met during the run (the database went away) outranks rejected
    inputs: the operator must act on it, and a rerun then finishes the job.  A rejected input
    outranks a document without facts (both are named in the summary)."""
    if environment_fault:
        return EXIT_ENVIRONMENT
    if n_rejected > 0:
        return EXIT_REJECTED
    return EXIT_NO_FACTS if n_without_facts > 0 else EXIT_OK


class RunFault(Exception):
    """A reason the run cannot start or go on that is not one input's fault: one line for the
    operator, a stable ``code`` for ``--json``, and the exit status it maps to (here, nowhere else)."""

    code: ClassVar[str]
    exit_code: ClassVar[int]

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class UsageError(RunFault):
    """The command line or the settings are wrong; checked before any engine or server starts."""

    code = "usage"
    exit_code = EXIT_USAGE


class EnvironmentFault(RunFault):
    """Something the machine lacks or lost."""

    code = "environment"
    exit_code = EXIT_ENVIRONMENT


class EngineMissingError(EnvironmentFault):
    code = "engine_missing"


class DatabaseUnreachableError(EnvironmentFault):
    code = "database_unreachable"


class OrchestrationError(EnvironmentFault):
    """Prefect could not start (its temporary API server) or the flow run itself failed."""

    code = "orchestration_failed"


class BusyError(EnvironmentFault):
    """Another run holds the inbox lock."""

    code = "busy"


class YusuanError(Exception):
    """An input yusuan cannot read; the batch goes on without it.

    ``source`` is the input as the user named it; ``detail`` says what was
    found.  The class supplies the stable ``code`` and the ``advice``.
    """

    code: ClassVar[ErrorCode]
    advice: ClassVar[str] = ""
    exit_code: ClassVar[int] = EXIT_REJECTED

    def __init__(self, source: str, detail: str) -> None:
        self.source = source
        self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.source}: {self.detail}. {self.advice}".rstrip()

    def to_rejection(self) -> Rejection:
        """The line this error contributes to ``rejected.jsonl``."""
        return Rejection(source=self.source, error=self.code, message=self.message)


class NotADocumentError(YusuanError):
    code = ErrorCode.NOT_A_DOCUMENT
    advice = "Give a PDF or a PNG, JPEG or TIFF image of the disclosure."


class EncryptedError(YusuanError):
    code = ErrorCode.ENCRYPTED
    advice = "Remove the password (e.g. `qpdf --decrypt`) and ingest the decrypted copy."


class CorruptError(YusuanError):
    code = ErrorCode.CORRUPT
    advice = "Download or scan the file again; it may be truncated or damaged."


class TooLargeError(YusuanError):
    code = ErrorCode.TOO_LARGE
    advice = "Split the file or scan at a lower resolution (300 dpi is enough), or raise the intake limit."


class EmptyError(YusuanError):
    code = ErrorCode.EMPTY
    advice = "The file holds no pages; check that the right file was given."


class InputNotFoundError(YusuanError):
    code = ErrorCode.NOT_FOUND
    advice = "Check the path and that the file is readable."


class PageTimeoutError(YusuanError):
    """A page whose rendering did not finish in time; the page fails, the document goes on."""

    code = ErrorCode.TIMEOUT
    advice = "The page may be damaged or hostile; check it, or raise YUSUAN_PAGE_TIMEOUT."
