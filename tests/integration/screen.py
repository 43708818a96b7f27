"""Read a guest's screen as text: PNG decoding and VGA text-mode recognition, stdlib only.

Why: the VNC and boot-order tests must prove what the guest *showed* (SeaBIOS's "Booting
from DVD/CD...", the installer's banner), not only that a PNG of some size came back. In
VGA text mode (720x400, 80x25 cells of 9x16 pixels) QEMU draws every character with the
font the VGA BIOS loaded, so reading the glyph bitmaps of SeaBIOS's VGA BIOS gives an exact
screen reader: each cell's foreground pixels are looked up among the 256 glyphs.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CELL_W, CELL_H = 9, 16
TEXT_MODE_SIZE = (720, 400)
VGA_BIOS_CANDIDATES = (
    Path("/usr/share/seabios/vgabios-cirrus.bin"),
    Path("/usr/share/seabios/vgabios-stdvga.bin"),
    Path("/usr/share/qemu/vgabios-cirrus.bin"),
    Path("/usr/share/qemu/vgabios-stdvga.bin"),
)
# the IBM VGA 8x16 glyph of 'A', to find the font table inside the VGA BIOS
GLYPH_A = bytes([0, 0, 0x10, 0x38, 0x6C, 0xC6, 0xC6, 0xFE, 0xC6, 0xC6, 0xC6, 0xC6, 0, 0, 0, 0])


@dataclass(frozen=True)
class Image:
    """24-bit RGB pixels, row after row."""

    width: int
    height: int
    rgb: bytes

    def pixel(self, x: int, y: int) -> bytes:
        i = (y * self.width + x) * 3
        return self.rgb[i : i + 3]

    def colours(self) -> int:
        """How many distinct colours the image has (a blank screen has one)."""
        return len({self.rgb[i : i + 3] for i in range(0, len(self.rgb), 3)})


def decode_png(data: bytes) -> Image:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what QEMU's screendump writes)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, bytearray(), None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])[0]:
            raise ValueError(f"PNG chunk {kind!r}: bad CRC")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, ctype, _, _, interlace = header
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {ctype}, interlace {interlace})")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(bytes(idat))
    stride = width * bpp
    prev = bytearray(stride)
    out = bytearray()
    for y in range(height):
        start = y * (stride + 1)
        ftype = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(ftype, line, prev, bpp)
        if bpp == 4:
            out += bytes(b for i, b in enumerate(line) if i % 4 != 3)
        else:
            out += line
        prev = line
    return Image(width, height, bytes(out))


def _unfilter(ftype: int, line: bytearray, prev: bytearray, bpp: int) -> None:
    n = len(line)
    if ftype == 0:
        return
    if ftype == 1:
        for i in range(bpp, n):
            line[i] = (line[i] + line[i - bpp]) & 0xFF
    elif ftype == 2:
        for i in range(n):
            line[i] = (line[i] + prev[i]) & 0xFF
    elif ftype == 3:
        for i in range(n):
            left = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
    elif ftype == 4:
        for i in range(n):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[i] = (line[i] + pred) & 0xFF
    else:
        raise ValueError(f"PNG filter type {ftype}")


@lru_cache(maxsize=1)
def vga_font() -> dict[bytes, str]:
    """Glyph bitmap (16 bytes, one per row) -> character, from SeaBIOS's VGA BIOS font."""
    for path in VGA_BIOS_CANDIDATES:
        try:
            rom = path.read_bytes()
        except OSError:
            continue
        at = rom.find(GLYPH_A)
        if at < 0x41 * 16:
            continue
        table = rom[at - 0x41 * 16 : at - 0x41 * 16 + 256 * 16]
        glyphs: dict[bytes, str] = {}
        for code in range(255, -1, -1):  # lower codes win on duplicates (space over 0x00/0xFF)
            ch = chr(code) if 32 <= code < 127 else ("?" if code else " ")
            glyphs[table[code * 16 : code * 16 + 16]] = ch
        glyphs[bytes(16)] = " "
        return glyphs
    raise FileNotFoundError("no SeaBIOS VGA BIOS found (package seabios)")


def screen_text(image: Image) -> str:
    """The text on a VGA text-mode screen (80x25 cells), lines without trailing blanks.

    Cells that match no glyph (the cursor, graphics) read as '?'. A screen that is not in
    text mode (another size) raises ValueError."""
    if (image.width, image.height) != TEXT_MODE_SIZE:
        raise ValueError(f"screen is {image.width}x{image.height}, not VGA text mode {TEXT_MODE_SIZE}")
    font = vga_font()
    by_prefix = {g[:14]: c for g, c in font.items()}  # the cursor draws over rows 14-15
    lines = []
    for row in range(image.height // CELL_H):
        chars = []
        for col in range(image.width // CELL_W):
            glyph = _cell_bitmap(image, col * CELL_W, row * CELL_H)
            chars.append(font.get(glyph) or by_prefix.get(glyph[:14]) or "?")
        lines.append("".join(chars).rstrip())
    return "\n".join(lines)


def _cell_bitmap(image: Image, x0: int, y0: int) -> bytes:
    # the 9th column repeats the background for ordinary characters: take it as background
    background = image.pixel(x0 + 8, y0)
    rows = bytearray()
    for y in range(y0, y0 + CELL_H):
        bits = 0
        for x in range(x0, x0 + 8):
            bits = (bits << 1) | (image.pixel(x, y) != background)
        rows.append(bits)
    return bytes(rows)


def png_text(data: bytes) -> str:
    """``screen_text`` of a PNG screenshot."""
    return screen_text(decode_png(data))
