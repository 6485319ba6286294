"""Writers for small test files: PNG with every row filter, interlaced PNG, PGM/PPM, IDX."""

from __future__ import annotations

import gzip
import struct
import zlib

import numpy as np


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _filter_row(raw: bytes, prior: bytes, kind: int, bpp: int) -> bytes:
    """PNG encoder side: store raw − prediction (mod 256)."""
    out = bytearray()
    for i, x in enumerate(raw):
        a = raw[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, _paeth(a, b, c)][kind]
        out.append((x - pred) % 256)
    return bytes(out)


def png_bytes(pixels: np.ndarray, color_type: int | None = None, depth: int = 8, palette=None) -> bytes:
    """Encode ``pixels`` (H, W) or (H, W, C) as PNG, cycling row filters 0,1,2,3,4."""
    pixels = np.asarray(pixels)
    h, w = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    if color_type is None:
        color_type = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    if depth == 16:
        row_data = [pixels[r].astype(">u2").tobytes() for r in range(h)]
        bpp = 2 * channels
    elif depth < 8:
        bits = ((pixels[..., None] >> np.arange(depth - 1, -1, -1)) & 1).reshape(h, -1).astype(np.uint8)
        row_data = [np.packbits(bits[r]).tobytes() for r in range(h)]
        bpp = 1
    else:
        row_data = [pixels[r].astype(np.uint8).tobytes() for r in range(h)]
        bpp = channels
    raw = bytearray()
    prior = bytes(len(row_data[0]))
    for r, row in enumerate(row_data):
        kind = r % 5
        raw += bytes([kind]) + _filter_row(row, prior, kind, bpp)
        prior = row

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 0))
    if palette is not None:
        out += chunk(b"PLTE", np.asarray(palette, np.uint8).tobytes())
    return out + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")


ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def interlaced_png_bytes(pixels: np.ndarray) -> bytes:
    """An 8-bit RGB PNG stored in the seven Adam7 passes (Pillow and Qt write none)."""
    pixels = np.asarray(pixels, np.uint8)
    h, w = pixels.shape[:2]
    raw = bytearray()
    for x0, y0, dx, dy in ADAM7:
        part = pixels[y0::dy, x0::dx]
        for row in part if part.size else ():
            raw += b"\0" + row.tobytes()  # filter 0: stored as is

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw))) \
        + chunk(b"IEND", b"")


def pnm_bytes(pixels: np.ndarray, binary: bool = True, maxval: int = 255) -> bytes:
    pixels = np.asarray(pixels)
    h, w = pixels.shape[:2]
    color = pixels.ndim == 3
    magic = {(False, False): b"P2", (True, False): b"P3", (False, True): b"P5", (True, True): b"P6"}
    magic = magic[(color, binary)]
    header = magic + b"\n# a comment\n" + f"{w} {h}\n{maxval}\n".encode()
    if binary:
        return header + pixels.astype(">u2" if maxval > 255 else np.uint8).tobytes()
    return header + " ".join(str(int(v)) for v in pixels.ravel()).encode() + b"\n"


def idx_bytes(array: np.ndarray, gzipped: bool = False) -> bytes:
    codes = {np.dtype(np.uint8): 0x08, np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D}
    array = np.asarray(array)
    head = bytes([0, 0, codes[array.dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = head + array.astype(array.dtype.newbyteorder(">")).tobytes()
    return gzip.compress(data) if gzipped else data
