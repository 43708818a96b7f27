"""A minimal VNC (RFB 3.8) client, stdlib only: handshake, VNC authentication, one frame.

Why: "VNC serves the guest's screen" and "vncpasswd is enforced" must be checked the way a
viewer sees them -- over the TCP port, with the RFB security handshake -- not by asking QEMU.
VNC authentication (security type 2) answers a 16-byte challenge with DES, keyed by the
password with each byte's bits reversed; DES is implemented here (FIPS 46-3), checked
against the standard test vector in :func:`self_test`.
"""

from __future__ import annotations

import socket
import struct

from tests.integration.screen import Image

SEC_NONE, SEC_VNC_AUTH = 1, 2
ENC_RAW, ENC_DESKTOP_SIZE, ENC_POINTER_TYPE_CHANGE = 0, -223, -257


class RfbError(Exception):
    """The server refused us or spoke something we do not understand."""


class AuthFailed(RfbError):
    """The server said no to our password (SecurityResult != 0)."""


# ---- DES (FIPS 46-3), encryption of single 64-bit blocks ----------------------------------------
_IP = (58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6,
       64, 56, 48, 40, 32, 24, 16, 8, 57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
       61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7)
_FP = (40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30,
       37, 5, 45, 13, 53, 21, 61, 29, 36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27,
       34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25)
_E = (32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
      16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1)
_P = (16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
      2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25)
_PC1 = (57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3,
        60, 52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37,
        29, 21, 13, 5, 28, 20, 12, 4)
_PC2 = (14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
        41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32)
_SHIFTS = (1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1)
_S = (
    (14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
     4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13),
    (15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
     0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9),
    (10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
     13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12),
    (7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
     10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14),
    (2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
     4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3),
    (12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
     9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13),
    (4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
     1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12),
    (13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
     7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11),
)


def _permute(value: int, table: tuple[int, ...], width: int) -> int:
    out = 0
    for pos in table:
        out = (out << 1) | ((value >> (width - pos)) & 1)
    return out


def _subkeys(key: bytes) -> list[int]:
    k = _permute(int.from_bytes(key, "big"), _PC1, 64)
    c, d = k >> 28, k & 0xFFFFFFF
    keys = []
    for shift in _SHIFTS:
        c = ((c << shift) | (c >> (28 - shift))) & 0xFFFFFFF
        d = ((d << shift) | (d >> (28 - shift))) & 0xFFFFFFF
        keys.append(_permute((c << 28) | d, _PC2, 56))
    return keys


def des_encrypt_block(key: bytes, block: bytes) -> bytes:
    """DES-encrypt one 8-byte block with an 8-byte key (parity bits ignored)."""
    if len(key) != 8 or len(block) != 8:
        raise ValueError("DES needs an 8-byte key and an 8-byte block")
    v = _permute(int.from_bytes(block, "big"), _IP, 64)
    left, right = v >> 32, v & 0xFFFFFFFF
    for k in _subkeys(key):
        x = _permute(right, _E, 32) ^ k
        s = 0
        for i in range(8):
            six = (x >> (42 - 6 * i)) & 0x3F
            row = ((six >> 4) & 2) | (six & 1)
            s = (s << 4) | _S[i][row * 16 + ((six >> 1) & 0xF)]
        left, right = right, left ^ _permute(s, _P, 32)
    return _permute((right << 32) | left, _FP, 64).to_bytes(8, "big")


def self_test() -> None:
    """The textbook vector (key 133457799BBCDFF1): catches a broken table at once."""
    got = des_encrypt_block(bytes.fromhex("133457799BBCDFF1"), bytes.fromhex("0123456789ABCDEF"))
    if got != bytes.fromhex("85E813540F0AB405"):
        raise AssertionError(f"DES self-test failed: {got.hex()}")


def vnc_auth_response(password: str, challenge: bytes) -> bytes:
    """RFB's VNC authentication: DES(key = password[:8] with bit-reversed bytes) of the challenge."""
    raw = password.encode("latin-1")[:8].ljust(8, b"\0")
    key = bytes(int(f"{b:08b}"[::-1], 2) for b in raw)
    return des_encrypt_block(key, challenge[:8]) + des_encrypt_block(key, challenge[8:16])


# ---- the protocol -------------------------------------------------------------------------------
class RfbClient:
    """One connection: ``RfbClient(host, port, password).capture()`` -> Image."""

    def __init__(self, host: str, port: int, password: str | None = None, timeout: float = 10.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.security_types: list[int] = []
        self.width = self.height = 0
        self.name = ""
        self.absolute: bool | None = None
        try:
            self._handshake(password)
        except BaseException:
            self.sock.close()
            raise

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "RfbClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _recv(self, n: int) -> bytes:
        data = bytearray()
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RfbError(f"server closed the connection ({len(data)} of {n} bytes read)")
            data += chunk
        return bytes(data)

    def _reason(self) -> str:
        (length,) = struct.unpack(">I", self._recv(4))
        return self._recv(length).decode(errors="replace")

    def _handshake(self, password: str | None) -> None:
        version = self._recv(12)
        if not version.startswith(b"RFB 003."):
            raise RfbError(f"not an RFB server: {version!r}")
        self.sock.sendall(b"RFB 003.008\n")
        (count,) = struct.unpack("B", self._recv(1))
        if count == 0:
            raise RfbError(f"server refused the connection: {self._reason()}")
        self.security_types = list(self._recv(count))
        if password is None:
            if SEC_NONE not in self.security_types:
                raise AuthFailed(f"server requires authentication (security types {self.security_types})")
            self.sock.sendall(bytes([SEC_NONE]))
        else:
            if SEC_VNC_AUTH not in self.security_types:
                raise RfbError(f"server offers no VNC authentication (security types {self.security_types})")
            self.sock.sendall(bytes([SEC_VNC_AUTH]))
            challenge = self._recv(16)
            self.sock.sendall(vnc_auth_response(password, challenge))
        (result,) = struct.unpack(">I", self._recv(4))
        if result != 0:
            try:
                reason = self._reason()
            except (RfbError, OSError):
                reason = ""
            raise AuthFailed(f"authentication failed: {reason or result}")
        self.sock.sendall(b"\x01")  # ClientInit: shared
        self.width, self.height = struct.unpack(">HH", self._recv(4))
        self._recv(16)  # the server's pixel format: we set our own below
        self.name = self._reason()
        # 32 bpp, depth 24, little endian, true colour, 8 bits each at shifts 16/8/0
        fmt = struct.pack(">BBBBHHHBBB3x", 32, 24, 0, 1, 255, 255, 255, 16, 8, 0)
        self.sock.sendall(b"\x00\x00\x00\x00" + fmt)
        self.absolute = None
        self.set_encodings(ENC_RAW)

    def set_encodings(self, *encodings: int) -> None:
        """SetEncodings: what we accept (Raw is always there; pseudo-encodings ask for news)."""
        self.sock.sendall(struct.pack(f">BxH{len(encodings)}i", 2, len(encodings), *encodings))

    def pointer_absolute(self) -> bool:
        """Whether the server drives an absolute pointer (a USB tablet) or a relative one:
        QEMU answers the pointer-type-change pseudo-encoding with a rectangle saying so."""
        self.absolute = None
        self.set_encodings(ENC_RAW, ENC_POINTER_TYPE_CHANGE)
        while self.absolute is None:
            self._read_update(None)
        return self.absolute

    def capture(self) -> Image:
        """Ask for the whole screen and read it (Raw encoding) into an RGB image."""
        self.sock.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, self.width, self.height))
        fb = bytearray(self.width * self.height * 3)
        while not self._read_update(fb):
            pass
        return Image(self.width, self.height, bytes(fb))

    def _read_update(self, fb: bytearray | None) -> bool:
        """Read server messages up to one FramebufferUpdate; True if it carried pixels."""
        while True:
            (kind,) = struct.unpack("B", self._recv(1))
            if kind == 0:
                break
            if kind == 2:  # bell
                continue
            if kind == 3:  # server cut text
                self._recv(3)
                self._reason()
                continue
            if kind == 1:  # colour map entries (not in true colour, but be tolerant)
                _, _, n = struct.unpack(">xHH", self._recv(5))
                self._recv(n * 6)
                continue
            raise RfbError(f"unexpected server message {kind}")
        pixels = False
        (rects,) = struct.unpack(">xH", self._recv(3))
        for _ in range(rects):
            x, y, w, h, enc = struct.unpack(">HHHHi", self._recv(12))
            if enc == ENC_POINTER_TYPE_CHANGE:
                self.absolute = bool(x)
                continue
            if enc == ENC_DESKTOP_SIZE:
                self.width, self.height = w, h
                continue
            if enc != ENC_RAW:
                raise RfbError(f"unexpected encoding {enc}")
            data = self._recv(w * h * 4)
            pixels = True
            if fb is None or len(fb) != self.width * self.height * 3:
                continue
            for row in range(h):
                o = ((y + row) * self.width + x) * 3
                line = data[row * w * 4 : (row + 1) * w * 4]
                # BGRX little endian -> RGB
                fb[o : o + w * 3] = bytes(b for i in range(0, len(line), 4) for b in (line[i + 2], line[i + 1], line[i]))
        return pixels
