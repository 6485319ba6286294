"""Read single image files into arrays (no Qt: the data layer runs headless).

Our own readers: PNG (8/16-bit, grey, grey+alpha, RGB, RGBA, palette; not
interlaced), PGM/PPM/PBM (the Netpbm formats, text or binary) and NumPy
``.npy``; they say in plain words what is wrong with a broken file. Everything
else goes to Pillow (a dependency): JPEG, BMP, GIF (first frame), TIFF, WebP,
and interlaced PNGs. Photos are turned upright by their EXIF orientation.

:func:`read_image` returns float32 ``(H, W)`` (grey) or ``(H, W, C)`` in [0, 1]
(alpha is dropped, as in our PNG reader).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

from .bounded import MiB, check_pixels, inflate_limited, npy_array, png_size, read_regular
from .dataset import check_finite
from .errors import DatasetError

MAX_FILE_BYTES = 256 * MiB  # one image file
MAX_HEADER_DIGITS = 9  # a PGM width or height (999,999,999 is already far too big)
BUILTIN_SUFFIXES = (".png", ".pgm", ".ppm", ".pbm", ".pnm", ".npy")


def _pillow():
    try:
        from PIL import Image
    except ImportError:
        return None
    return Image


PILLOW_SUFFIXES = (".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def supported_suffixes() -> tuple[str, ...]:
    return BUILTIN_SUFFIXES + (PILLOW_SUFFIXES if _pillow() else ())


def read_image(path) -> np.ndarray:
    """The image at ``path`` as float32 in [0, 1]: ``(H, W)`` or ``(H, W, channels)``."""
    path = Path(path)
    suffix = path.suffix.lower()
    data = read_regular(path, MAX_FILE_BYTES, DatasetError, f"image {path}", "image")
    image_module = _pillow()
    try:
        if suffix == ".png":
            if image_module is not None and _interlaced_png(data):
                return _read_with_pillow(image_module, data, "PNG")
            return decode_png(data)
        if suffix in (".pgm", ".ppm", ".pbm", ".pnm"):
            return decode_pnm(data)
        if suffix == ".npy":
            return _npy_image(data)
        if image_module is not None and suffix in PILLOW_SUFFIXES:
            return _read_with_pillow(image_module, data, suffix[1:].upper().replace("JPG", "JPEG"))
    except DatasetError as exc:
        raise DatasetError(f"image {path}: {exc}") from None
    except (ValueError, IndexError, KeyError, struct.error, OverflowError, ZeroDivisionError, zlib.error) as exc:
        # a damaged file that slipped past the specific checks: still one plain sentence
        raise DatasetError(f"image {path}: the file is damaged or cut short") from exc
    hint = "" if image_module else " (for JPEG and other formats, install Pillow or convert the files to PNG)"
    raise DatasetError(
        f"cannot read {path}: {suffix or 'files without an extension'} is not a supported image format; "
        f"use {', '.join(supported_suffixes())}{hint}"
    )


def _interlaced_png(data: bytes) -> bool:
    """True for a PNG whose header says interlaced (our decoder reads only non-interlaced ones)."""
    interlaced = data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR" and len(data) > 28 and data[28] == 1
    if interlaced:
        size = png_size(data)
        check_pixels(size[0], size[1], DatasetError, "the PNG image")
    return interlaced


def _read_with_pillow(image_module, data: bytes, kind: str) -> np.ndarray:
    """Decode with Pillow; its errors become plain sentences (``kind``: "JPEG", "BMP", …).

    The image's declared size is checked before any pixel is decoded (a small file can claim
    20000×20000 pixels and take gigabytes to decode).
    """
    import io
    import warnings

    from PIL import ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", image_module.DecompressionBombWarning)
            with image_module.open(io.BytesIO(data)) as img:
                check_pixels(img.size[0], img.size[1], DatasetError, "the image")
                img = ImageOps.exif_transpose(img)  # a phone photo taken sideways stands upright
                return _pillow_pixels(img)
    except UnidentifiedImageError:
        raise DatasetError(f"not a {kind} image Pillow can read (the file is damaged, empty or has "
                           "the wrong extension)") from None
    except image_module.DecompressionBombError:
        raise DatasetError("the image claims more pixels than can be decoded safely; make it smaller") from None
    except DatasetError:
        raise
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow raises these for damaged or cut-short data
        raise DatasetError(f"the {kind} data is damaged or cut short ({exc})") from None
    except Exception:  # noqa: BLE001 - any other failure inside Pillow is a damaged file too
        raise DatasetError(f"the {kind} data is damaged") from None


def _pillow_pixels(img) -> np.ndarray:
    """Grey or RGB float32 in [0, 1] from a Pillow image of any mode (16-bit grey keeps its depth)."""
    if img.mode.startswith("I;16"):
        return np.asarray(img, dtype=np.float32) / 65535.0
    if img.mode == "F":  # floats are taken as they are, as for .npy arrays
        return np.asarray(img, dtype=np.float32)
    if img.mode == "I":  # 32-bit integers: 8- or 16-bit values, as for .npy arrays
        values = np.asarray(img, dtype=np.float32)
        return values / (65535.0 if values.max(initial=0) > 255 else 255.0)
    grey = img.mode in ("1", "L", "LA") or (img.mode in ("P", "PA") and _grey_palette(img))
    return np.asarray(img.convert("L" if grey else "RGB"), dtype=np.float32) / 255.0


def _grey_palette(img) -> bool:
    """True when every pixel of a palette image is a grey (a grey GIF reads as grey, not RGB)."""
    rgb = np.asarray(img.convert("RGB"), dtype=np.int16)
    return bool((rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all())


# --- NumPy ----------------------------------------------------------------------
def _npy_image(data: bytes) -> np.ndarray:
    a = npy_array(data, DatasetError, "the file")
    if a.dtype == np.bool_:
        a = a.astype(np.uint8) * 255
    if a.ndim == 3 and a.shape[0] in (1, 3) and a.shape[-1] not in (1, 3, 4):
        a = a.transpose(1, 2, 0)  # channels first → channels last
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[-1] not in (3, 4)):
        raise DatasetError(f"an image array must be (H, W), (H, W, C) or (C, H, W); got shape {a.shape}")
    check_pixels(a.shape[1], a.shape[0], DatasetError, "the image array")
    if np.issubdtype(a.dtype, np.integer):
        return a.astype(np.float32) / (65535.0 if a.max(initial=0) > 255 else 255.0)
    if not np.issubdtype(a.dtype, np.floating):
        raise DatasetError(f"image values must be numbers, got dtype {a.dtype}")
    check_finite(a, "the image array")
    with np.errstate(over="ignore"):
        a = a.astype(np.float32)
    check_finite(a, "the image array (as 32-bit numbers)")
    return a


# --- Netpbm: PBM / PGM / PPM --------------------------------------------------------
def decode_pnm(data: bytes) -> np.ndarray:
    """P1–P6: bitmap, greymap, pixmap, each as text (P1–P3) or binary (P4–P6)."""
    if len(data) < 2 or data[:1] != b"P" or data[1:2] not in b"123456":
        raise DatasetError("not a PBM/PGM/PPM file (it should start with P1…P6)")
    kind = int(chr(data[1]))
    bitmap = kind in (1, 4)
    channels = 3 if kind in (3, 6) else 1
    fields, pos = _pnm_header(data, 2 if bitmap else 3)
    width, height = fields[0], fields[1]
    maxval = 1 if bitmap else fields[2]
    if not 0 < maxval < 65536:
        raise DatasetError(f"bad header: size {width}×{height}, maximum value {maxval}")
    check_pixels(width, height, DatasetError, "the image")
    count = width * height * channels
    if kind <= 3:  # plain text numbers (P1 may run bits together: "0110")
        body = _strip_comments(data[pos:])
        tokens = list(body.replace(b"0", b" 0 ").replace(b"1", b" 1 ").split()) if bitmap else body.split()
        values = np.array(tokens[:count], dtype=np.float64) if len(tokens) >= count else None
        if values is None:
            raise DatasetError(f"the file is cut short: {count} values expected, found {len(tokens)}")
        if bitmap:
            values = 1.0 - values  # in PBM, 1 is black
    elif bitmap:
        row_bytes = (width + 7) // 8
        if len(data) < pos + row_bytes * height:
            raise DatasetError("the file is cut short")
        raw = np.frombuffer(data, np.uint8, row_bytes * height, pos)
        values = 1.0 - np.unpackbits(raw.reshape(height, row_bytes), axis=1)[:, :width].astype(np.float64)
    else:
        dtype = np.dtype(">u2") if maxval > 255 else np.dtype(np.uint8)
        if len(data) < pos + count * dtype.itemsize:
            raise DatasetError(f"the file is cut short: {count} values expected")
        values = np.frombuffer(data, dtype, count, pos).astype(np.float64)
    image = (values.reshape(height, width, channels) / maxval).astype(np.float32)
    return image[..., 0] if channels == 1 else image


def _strip_comments(body: bytes) -> bytes:
    return b"\n".join(line.split(b"#")[0] for line in body.split(b"\n"))


def _pnm_header(data: bytes, n_fields: int) -> tuple[list[int], int]:
    """Read ``n_fields`` whitespace-separated numbers after the magic, skipping ``#`` comments.

    Returns the numbers and the offset of the pixel data (one whitespace byte after the last number).
    """
    fields, pos = [], 2
    while len(fields) < n_fields:
        while pos < len(data) and data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.find(b"\n", pos)
            if pos < 0:
                break
            continue
        start = pos
        while pos < len(data) and data[pos : pos + 1].isdigit():
            pos += 1
        if start == pos:
            raise DatasetError("bad header: expected width, height and maximum value")
        if pos - start > MAX_HEADER_DIGITS:
            raise DatasetError(f"bad header: a number with {pos - start:,} digits where the width, height or "
                               "maximum value should be")
        fields.append(int(data[start:pos]))
    if len(fields) < n_fields:
        raise DatasetError("bad header: the file ends inside the header")
    return fields, pos + 1


# --- PNG ------------------------------------------------------------------------------
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type → samples per pixel
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}  # allowed bit depths


def decode_png(data: bytes) -> np.ndarray:
    """Decode a non-interlaced PNG: chunks → zlib → undo the per-row filters → pixels."""
    if not data.startswith(PNG_SIGNATURE):
        raise DatasetError("not a PNG file (wrong signature)")
    header, palette, idat = None, None, []
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) < length:
            raise DatasetError("the file is cut short")
        if kind == b"IHDR":
            if length != 13:
                raise DatasetError(f"the PNG header (IHDR) is {length} bytes long instead of 13; the file is "
                                   "damaged")
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            if length == 0 or length % 3 or length > 3 * 256:
                raise DatasetError(f"the PNG palette is {length} bytes long; a palette holds 1 to 256 colours "
                                   "of 3 bytes each")
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None or not idat:
        raise DatasetError("the PNG file is cut short or holds no image data")
    width, height, depth, color, _, _, interlace = header
    if color not in _PNG_CHANNELS or depth not in _PNG_DEPTHS[color]:
        raise DatasetError(f"unsupported PNG colour type {color} with bit depth {depth}")
    if interlace:
        raise DatasetError("interlaced PNGs are not supported; save it again without interlacing")
    check_pixels(width, height, DatasetError, "the PNG image")
    channels = _PNG_CHANNELS[color]
    row_bytes = (width * channels * depth + 7) // 8
    raw = inflate_limited(b"".join(idat), height * (row_bytes + 1), DatasetError, "PNG")
    if len(raw) < height * (row_bytes + 1):
        raise DatasetError("the PNG data is cut short")
    rows = np.frombuffer(raw, np.uint8, height * (row_bytes + 1)).reshape(height, row_bytes + 1)
    pixels = _unfilter(rows[:, 1:], rows[:, 0], max(1, channels * depth // 8))
    samples = _unpack_samples(pixels, width * channels, depth)
    image = samples.reshape(height, width, channels)
    if color == 3:
        if palette is None:
            raise DatasetError("a palette PNG without a palette")
        rgb = palette[np.minimum(image[..., 0], len(palette) - 1)]
        return _drop_alpha(rgb.astype(np.float32) / 255.0)
    scale = 65535.0 if depth == 16 else float(2**depth - 1)
    return _drop_alpha(image.astype(np.float32) / scale)


def _drop_alpha(image: np.ndarray) -> np.ndarray:
    """Grey+alpha → grey, RGBA → RGB (transparent pixels keep their colour)."""
    if image.shape[-1] in (2, 4):
        image = image[..., :-1]
    return image[..., 0] if image.shape[-1] == 1 else image


def _unpack_samples(pixels: np.ndarray, per_row: int, depth: int) -> np.ndarray:
    if depth == 8:
        return pixels
    if depth == 16:
        return pixels.reshape(len(pixels), -1, 2).astype(np.uint16) @ np.array([256, 1], np.uint16)
    bits = np.unpackbits(pixels, axis=1).reshape(len(pixels), -1, depth)[:, :per_row]
    return bits @ (1 << np.arange(depth - 1, -1, -1)).astype(np.uint8)  # pack the bits of each sample


def _unfilter(filtered: np.ndarray, kinds: np.ndarray, bpp: int) -> np.ndarray:
    """Undo the PNG row filters: 0 none, 1 Sub, 2 Up, 3 Average, 4 Paeth.

    Each stored byte is ``raw − prediction (mod 256)``, the prediction made from
    the already decoded neighbours: a (left, one pixel back), b (above), c (upper left).
    A byte depends only on bytes up and to the left, so all bytes on one
    anti-diagonal (row + pixel column = d) can be decoded at once: the loop runs
    over H + W diagonals instead of H × W bytes.
    """
    h, width = filtered.shape[0], filtered.shape[1] // bpp
    stored = filtered[:, : width * bpp].reshape(h, width, bpp).astype(np.int32)
    out = np.zeros((h + 1, width + 1, bpp), dtype=np.int32)  # a zero row above and column to the left
    if np.any(kinds > 4):
        bad = int(np.flatnonzero(kinds > 4)[0])
        raise DatasetError(f"corrupt PNG: unknown row filter {kinds[bad]} in row {bad}")
    for d in range(h + width - 1):
        r = np.arange(max(0, d - width + 1), min(h, d + 1))
        i = d - r
        a, b, c = out[r + 1, i], out[r, i + 1], out[r, i]
        kind = kinds[r][:, None]
        pred = np.select(
            [kind == 1, kind == 2, kind == 3, kind == 4],
            [a, b, (a + b) // 2, _paeth(a, b, c)],
            default=0,
        )
        out[r + 1, i + 1] = (stored[r, i] + pred) & 0xFF
    return out[1:, 1:].reshape(h, width * bpp).astype(np.uint8)


def _paeth(a, b, c):
    """Paeth predictor: whichever of a, b, c is closest to a + b − c (ties: a, then b)."""
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


# --- resizing ---------------------------------------------------------------------
def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """Bilinear resize of ``(H, W)`` or ``(H, W, C)`` (pixel centres aligned)."""
    h, w = image.shape[:2]
    if (h, w) == (height, width):
        return image
    ys = np.clip((np.arange(height) + 0.5) * h / height - 0.5, 0, h - 1)
    xs = np.clip((np.arange(width) + 0.5) * w / width - 0.5, 0, w - 1)
    y0, x0 = ys.astype(int), xs.astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    ty, tx = ys - y0, xs - x0
    if image.ndim == 3:
        ty, tx = ty[:, None, None], tx[None, :, None]
    else:
        ty, tx = ty[:, None], tx[None, :]
    top = image[y0][:, x0] * (1 - tx) + image[y0][:, x1] * tx
    bottom = image[y1][:, x0] * (1 - tx) + image[y1][:, x1] * tx
    return (top * (1 - ty) + bottom * ty).astype(np.float32)
