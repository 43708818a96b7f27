"""The CLI's way to a remote daemon: ``-c https://HOST:PORT`` (or ``HVMCTL_CONNECT``) with a
token from ``--token-file F`` (or ``HVMCTL_TOKEN_FILE``), over TLS.

How the server is trusted, in this order:
- ``--ca FILE`` (or ``HVMCTL_CA``): the certificate must verify against FILE, host name
  included -- for a certificate a CA signed (HVMCTL_TLS_CERT on the server);
- otherwise the server's certificate is pinned on first use, like ssh's known_hosts:
  ``~/.config/hvmctl/known_hosts`` (``HVMCTL_KNOWN_HOSTS``) gets a line
  ``HOST:PORT sha256:HEX``, and from then on a different certificate is refused. The
  token is sent only after the check passed.

Imported only when a remote daemon is named: `xm list` on the local socket never loads
ssl or socket.
"""

from __future__ import annotations

import hashlib
import os
import socket
import ssl
import sys

from hvmctl.errors import ConfigError, DaemonError, HvmctlError

CONNECT_ENV, TOKEN_FILE_ENV, CA_ENV, KNOWN_HOSTS_ENV = ("HVMCTL_CONNECT", "HVMCTL_TOKEN_FILE", "HVMCTL_CA",
                                                       "HVMCTL_KNOWN_HOSTS")


class TrustError(HvmctlError):
    """The server's certificate is not the one pinned, or does not verify against --ca."""

    kind = "auth"
    http_status = 401


def parse_url(url: str) -> tuple[str, int]:
    """(host, port) of ``https://HOST:PORT`` (port 8443 when left out)."""
    rest = url.strip()
    if rest.startswith("http://"):
        raise ConfigError(f"{url}: the remote API speaks HTTPS only (https://HOST:PORT)")
    if rest.startswith("https://"):
        rest = rest[len("https://"):]
    rest = rest.rstrip("/")
    if not rest or "/" in rest:
        raise ConfigError(f"{url!r}: expected https://HOST:PORT")
    if rest.startswith("["):  # [v6]:port
        host, _, port = rest[1:].partition("]")
        port = port.lstrip(":")
    else:
        host, sep, port = rest.rpartition(":")
        if not sep:
            host, port = rest, ""
    if not host or (port and not port.isdigit()):
        raise ConfigError(f"{url!r}: expected https://HOST:PORT")
    return host, int(port) if port else 8443


def read_token(path: str) -> str:
    try:
        with open(path) as fh:
            token = fh.read().strip()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the token: {exc.strerror or exc}") from exc
    if not token or "\n" in token:
        raise ConfigError(f"{path}: expected one token on one line")
    return token


def known_hosts_path() -> str:
    return os.environ.get(KNOWN_HOSTS_ENV) or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config"),
        "hvmctl", "known_hosts")


def fingerprint(der: bytes) -> str:
    return "sha256:" + hashlib.sha256(der).hexdigest()


class Remote:
    """One remote daemon: where it is, how it is trusted, and the token sent to it."""

    def __init__(self, url: str, token: str | None, ca: str | None = None, known_hosts: str | None = None) -> None:
        self.url = url
        self.host, self.port = parse_url(url)
        self.token = token
        self.ca = ca
        self.known_hosts = known_hosts or known_hosts_path()

    @classmethod
    def from_options(cls, url: str | None, token_file: str | None, ca: str | None) -> "Remote | None":
        """From -c/--token-file/--ca, falling back to HVMCTL_CONNECT/_TOKEN_FILE/_CA; None: local."""
        url = url or os.environ.get(CONNECT_ENV) or None
        if not url:
            return None
        token_file = token_file or os.environ.get(TOKEN_FILE_ENV) or None
        ca = ca or os.environ.get(CA_ENV) or None
        return cls(url, read_token(token_file) if token_file else None, ca)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    def _context(self) -> ssl.SSLContext:
        if self.ca:
            try:
                return ssl.create_default_context(cafile=self.ca)
            except (OSError, ssl.SSLError) as exc:
                raise ConfigError(f"{self.ca}: not a CA certificate: {exc}") from exc
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE  # the pin below is the check
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        return ctx

    def connect(self, timeout: float) -> ssl.SSLSocket:
        """A TLS connection to the daemon whose certificate passed the check."""
        try:
            raw = socket.create_connection((self.host, self.port), timeout=min(timeout, 15.0))
        except OSError as exc:
            raise DaemonError(f"cannot reach {self.where}: {exc.strerror or exc}") from exc
        raw.settimeout(timeout)
        try:
            sock = self._context().wrap_socket(raw, server_hostname=self.host)
        except ssl.SSLCertVerificationError as exc:
            raw.close()
            raise TrustError(f"{self.where}: certificate does not verify against {self.ca}: "
                             f"{exc.verify_message}") from exc
        except (OSError, ssl.SSLError) as exc:
            raw.close()
            raise DaemonError(f"{self.where}: TLS failed: {exc}") from exc
        if not self.ca:
            try:
                self.check_pin(sock.getpeercert(binary_form=True) or b"")
            except BaseException:
                sock.close()
                raise
        return sock

    def check_pin(self, der: bytes) -> None:
        """Trust on first use: record the fingerprint, then insist on it."""
        seen = fingerprint(der)
        pinned = None
        try:
            with open(self.known_hosts) as fh:
                for line in fh:
                    parts = line.split()
                    if len(parts) == 2 and parts[0] == self.where:
                        pinned = parts[1]
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise ConfigError(f"{self.known_hosts}: cannot read: {exc.strerror or exc}") from exc
        if pinned is None:
            os.makedirs(os.path.dirname(self.known_hosts) or ".", mode=0o700, exist_ok=True)
            with open(self.known_hosts, "a") as fh:
                fh.write(f"{self.where} {seen}\n")
            print(f"hvmctl: pinned {self.where} ({seen}) in {self.known_hosts}", file=sys.stderr)
        elif pinned != seen:
            raise TrustError(f"{self.where}: certificate changed ({seen}; pinned {pinned} in {self.known_hosts});"
                             " if that is expected, remove its line there")

    def headers(self) -> str:
        auth = f"Authorization: Bearer {self.token}\r\n" if self.token else ""
        return f"Host: {self.where}\r\n{auth}"
