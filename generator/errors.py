"""The few errors a user can cause; the CLI prints each as one line and exits non-zero."""
from __future__ import annotations

from pathlib import Path


class DigestError(Exception):
    """An error in user input: a file, where in it, and what to do about it."""

    def __init__(self, path: Path | str | None, message: str, line: int | None = None, column: int | None = None):
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __reduce__(self):        # kept in the build cache: rebuilt from its parts, not its text
        return self.__class__, (self.path, self.message, self.line, self.column)

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class RawFormatError(DigestError):
    """A raw decision statement that cannot be read as one."""


class ContentError(DigestError):
    """A content file (front matter or body) or site.yaml that is not valid."""


class ContentWarning(ContentError):
    """Content the build can go on without (an unknown key, say): an error with --strict, and then said so."""

    def __init__(self, path: Path | str | None, message: str, line: int | None = None, column: int | None = None,
                 strict_message: str | None = None):
        super().__init__(path, message, line, column)
        self.strict_message = strict_message

    def __reduce__(self):
        return self.__class__, (self.path, self.message, self.line, self.column, self.strict_message)

    def as_error(self) -> ContentError:
        """What --strict reports."""
        return ContentError(self.path, self.strict_message or self.message, self.line, self.column)


class BuildErrors(Exception):
    """Every content error found in one build, reported together."""

    def __init__(self, errors: list[DigestError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))
