"""One root exception type with meaningful subclasses.

Every error the toolstack raises on purpose is an :class:`HvmctlError`. The API turns it
into one JSON shape (``{"error": kind, "message": ...}``) and the CLI prints its message on
one line and exits non-zero. Nothing below the CLI calls ``sys.exit``.
"""

from __future__ import annotations


def one_line(text: str) -> str:
    """Errors are one line: control characters a user put in a name are shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class HvmctlError(Exception):
    """Root of every error hvmctl raises on purpose."""

    #: short machine-readable kind, stable across releases (used on the wire)
    kind = "error"
    #: HTTP status the API answers with
    http_status = 400

    def __init__(self, message: str, *, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause

    def __str__(self) -> str:
        return self.message


class ConfigError(HvmctlError):
    """A profile is wrong: names file, line and what was expected."""

    kind = "config"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        key: str | None = None,
        cause: BaseException | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.key = key
        where = ""
        if file is not None:
            where = f"{file}:{line}: " if line is not None else f"{file}: "
        elif line is not None:
            where = f"line {line}: "
        what = f"{key}: " if key else ""
        super().__init__(f"{where}{what}{message}", cause=cause)


class InvalidRequestError(HvmctlError):
    """An API request that does not fit its action (a body field of the wrong type, a
    missing query parameter): the message names the field."""

    kind = "invalid-request"
    http_status = 422


class NotFoundError(HvmctlError):
    """A domain, profile, image or other named thing does not exist."""

    kind = "not-found"
    http_status = 404


class ConflictError(HvmctlError):
    """A name, UUID, MAC, VNC display or disk is already in use."""

    kind = "conflict"
    http_status = 409


class StateError(HvmctlError):
    """The command is not allowed in the domain's current state."""

    kind = "state"
    http_status = 409


class HostError(HvmctlError):
    """The host cannot do what was asked (missing binary, no space, permission)."""

    kind = "host"
    http_status = 500


class QemuError(HvmctlError):
    """QEMU refused to start, died, or answered a QMP command with an error."""

    kind = "qemu"
    http_status = 500


class DaemonError(HvmctlError):
    """The daemon cannot be reached or answered something unexpected."""

    kind = "daemon"
    http_status = 503


class TimeoutError_(HvmctlError):
    """Something did not happen in the time allowed."""

    kind = "timeout"
    http_status = 504


class UnauthorizedError(HvmctlError):
    """No credentials, or wrong, expired or revoked ones (the remote API's tokens)."""

    kind = "auth"
    http_status = 401


class ForbiddenError(HvmctlError):
    """Valid credentials whose role is below what the action needs."""

    kind = "forbidden"
    http_status = 403


ERROR_KINDS: dict[str, type[HvmctlError]] = {
    cls.kind: cls
    for cls in (
        HvmctlError,
        ConfigError,
        NotFoundError,
        ConflictError,
        StateError,
        HostError,
        QemuError,
        DaemonError,
        TimeoutError_,
        UnauthorizedError,
        ForbiddenError,
    )
}
