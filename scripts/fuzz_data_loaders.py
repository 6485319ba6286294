"""Mutation fuzzer for the data loaders: whatever the bytes, a loader returns data or raises DatasetError.

Valid small files of every kind the app reads (CSV, NPZ, IDX raw and gzipped, PNG in several
colour types, PGM/PPM, .npy, JPEG, BMP, GIF) are mutated — bytes flipped, cut short, inserted,
header numbers replaced by extreme values, .npy headers inside an .npz rewritten, CSV cells
replaced by inf/NaN/huge/long values — and opened with the loader the app uses for them.
Anything other than a result or a :class:`DatasetError` is an escape; every case is timed.

    python scripts/fuzz_data_loaders.py --cases 5000 --seed 1

prints the counts, the slowest case and the peak memory, and exits 1 on an escape or a case
slower than ``--max-seconds``. ``tests/data/test_loader_fuzz.py`` runs a few hundred seeded
cases of the same fuzzer (more with ``PLAYGROUND_FUZZ_CASES``).
"""

from __future__ import annotations

import argparse
import gzip
import io
import random
import re
import resource
import struct
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playground.data import DatasetError, load_csv, load_idx, load_npz, read_image  # noqa: E402

TECHNICAL = re.compile(r"\b\w*(Error|Exception|Warning)\b|Errno|Traceback|Error -\d")  # not for students
INTERESTING_INTS = (0, 1, 2, 255, 256, 0x7FFF, 0xFFFF, 20000, 2**24, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)
INTERESTING_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0x0A, 0x2C, 0x22)
CSV_CELLS = ("inf", "-inf", "1e999", "nan", "NaN", "+nan", "1e30", "-1e39", "3.5e38", "", "?", "x" * 200_000,
             "0x10", "1_000", "１２", "\ud800".encode("utf-8", "surrogatepass").decode("latin1"), '"', '""', ";",
             "\t", "\x00", "9" * 400, "-0", "2**31", "1e-400", "٣")
NPY_SHAPES = ("()", "(0,)", "(0, 3)", "(100000, 100000)", "(-1, 3)", "(2, 3, 4, 5, 6, 7, 8, 9, 10)",
              "(1e3,)", "(True,)", "(2**40,)", "('a',)", "(6, 3", "[6, 3]", "(99999999999999999999, 2)")
NPY_DESCRS = ("'|O'", "'<U3'", "'<c8'", "'>f8'", "'|b1'", "'<i8'", "'<f2'", "'|V8'", "[('a', '<f4')]", "'<M8[s]'",
              "'xyz'", "None", "'<f4' + 1")


# --- seeds -----------------------------------------------------------------------------------
def _png(array: np.ndarray, **save) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=save.pop("format", "PNG"), **save)
    return buffer.getvalue()


def _idx(array: np.ndarray) -> bytes:
    codes = {np.dtype(np.uint8): 0x08, np.dtype(np.int32): 0x0C, np.dtype(np.float32): 0x0D}
    head = bytes([0, 0, codes[array.dtype], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return head + array.astype(array.dtype.newbyteorder(">")).tobytes()


def _npz(compressed: bool = False, **arrays) -> bytes:
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def seeds() -> list[tuple[str, str, bytes]]:
    """``(kind, file suffix, bytes)`` of valid files (kind picks the loader)."""
    rng = np.random.default_rng(0)
    grey = (rng.random((6, 5)) * 255).astype(np.uint8)
    rgb = (rng.random((5, 4, 3)) * 255).astype(np.uint8)
    rows = "\n".join(f"{a:.3f},{b:.3f},{'yes' if a > b else 'no'}" for a, b in rng.random((8, 2)))
    out = [
        ("csv", ".csv", ("x,y,label\n" + rows + "\n").encode()),
        ("csv", ".csv", ("a;b;c;target\n" + "\n".join(f"{i};{i * 2};{i % 3};{i * 0.5}" for i in range(8))).encode()),
        ("npz", ".npz", _npz(x=rng.random((6, 3)), y=np.array([0, 1, 2, 0, 1, 2]))),
        ("npz", ".npz", _npz(True, x=(rng.random((4, 5, 5)) * 255).astype(np.uint8), y=np.array([0.5, 1, 2, 3]))),
        ("npz", ".npz", _npz(X=rng.random((3, 2)).astype(np.float32))),
        ("idx", "-images-idx3-ubyte", _idx((rng.random((4, 3, 3)) * 255).astype(np.uint8))),
        ("idx", "-images-idx3-ubyte.gz", gzip.compress(_idx((rng.random((4, 3, 3)) * 255).astype(np.uint8)))),
        ("idx", "-images-idx3-float", _idx(rng.random((3, 2, 2)).astype(np.float32))),
        ("image", ".png", _png(grey)),
        ("image", ".png", _png(rgb)),
        ("image", ".png", _png(np.dstack([rgb, grey[:5, :4, None]]))),
        ("image", ".png", _png(grey, optimize=True, bits=4)),
        ("image", ".png", _png(grey.astype(np.uint16) * 200)),
        ("image", ".pgm", b"P5\n5 6\n255\n" + grey.tobytes()),
        ("image", ".ppm", b"P3\n# c\n4 5\n255\n" + " ".join(map(str, rgb.ravel())).encode() + b"\n"),
        ("image", ".pbm", b"P1\n3 2\n0 1 0\n1 0 1\n"),
        ("image", ".npy", _npy(grey)),
        ("image", ".npy", _npy(rng.random((4, 4)).astype(np.float32))),
        ("image", ".jpg", _png(rgb, format="JPEG")),
        ("image", ".bmp", _png(rgb, format="BMP")),
        ("image", ".gif", _png(grey, format="GIF")),
    ]
    from PIL import Image

    palette = Image.fromarray(grey).convert("P")
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG")
    out.append(("image", ".png", buffer.getvalue()))
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG", interlace=1)  # Pillow writes no Adam7; still a PNG
    out.append(("image", ".png", buffer.getvalue()))
    return out


# --- mutations ---------------------------------------------------------------------------------
def flip(data: bytearray, rnd: random.Random) -> None:
    for _ in range(rnd.randint(1, 8)):
        i = rnd.randrange(len(data))
        data[i] ^= 1 << rnd.randrange(8)


def set_bytes(data: bytearray, rnd: random.Random) -> None:
    for _ in range(rnd.randint(1, 4)):
        data[rnd.randrange(len(data))] = rnd.choice(INTERESTING_BYTES)


def set_int(data: bytearray, rnd: random.Random) -> None:
    i = rnd.randrange(max(1, len(data) - 3))
    value = rnd.choice(INTERESTING_INTS)
    data[i:i + 4] = value.to_bytes(4, rnd.choice(("big", "little")))


def header_int(data: bytearray, rnd: random.Random) -> None:
    """An extreme number in the first 40 bytes, where headers (IHDR, IDX dims, BMP size) live."""
    i = rnd.randrange(min(40, max(1, len(data) - 3)))
    data[i:i + 4] = rnd.choice(INTERESTING_INTS).to_bytes(4, "big")


def truncate(data: bytearray, rnd: random.Random) -> None:
    del data[rnd.randrange(len(data)):]


def insert(data: bytearray, rnd: random.Random) -> None:
    i = rnd.randrange(len(data) + 1)
    data[i:i] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 16)))


def duplicate(data: bytearray, rnd: random.Random) -> None:
    i = rnd.randrange(len(data))
    j = min(len(data), i + rnd.randint(1, 64))
    data[j:j] = data[i:j] * rnd.randint(1, 4)


def csv_cell(data: bytearray, rnd: random.Random) -> None:
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    row = rnd.randrange(len(lines))
    sep = ";" if ";" in text else ","
    cells = lines[row].split(sep)
    cells[rnd.randrange(len(cells))] = rnd.choice(CSV_CELLS)
    if rnd.random() < 0.2:
        cells += ["1"] * rnd.choice((1, 5, 20000))
    lines[row] = sep.join(cells)
    data[:] = "\n".join(lines).encode("utf-8", "surrogatepass")


def npz_header(data: bytearray, rnd: random.Random) -> None:
    """Rewrite the shape or type in one .npy header inside the archive (re-zipped, so it is read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
            members = {info.filename: zf.read(info) for info in zf.infolist()}
    except Exception:  # noqa: BLE001 - already damaged by an earlier mutation: flip instead
        flip(data, rnd)
        return
    name = rnd.choice(sorted(members))
    payload = members[name]
    end = payload.find(b"}")
    if end > 0 and payload.startswith(b"\x93NUMPY"):
        header = payload[10:end + 1].decode("latin1")
        if rnd.random() < 0.5:
            start = header.find("'shape': ") + 9
            stop = header.find(")", start) + 1
            header = header[:start] + rnd.choice(NPY_SHAPES) + header[stop:]
        else:
            start = header.find("'descr': ") + 9
            stop = header.find(",", start)
            header = header[:start] + rnd.choice(NPY_DESCRS) + header[stop:]
        body = header.encode("latin1")
        payload = payload[:8] + len(body).to_bytes(2, "little") + body + payload[end + 1:]
    if rnd.random() < 0.1:
        payload = payload * rnd.choice((2, 50))
    members[name] = payload
    if rnd.random() < 0.1:
        members[f"extra{rnd.randrange(1000)}.npy"] = payload
    buffer = io.BytesIO()
    method = rnd.choice((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_DEFLATED, zipfile.ZIP_LZMA))
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for member, content in members.items():
            zf.writestr(member, content)
    data[:] = buffer.getvalue()


def gzip_payload(data: bytearray, rnd: random.Random) -> None:
    """Mutate the inflated IDX data, then gzip it again (so the mutation reaches the parser)."""
    try:
        inner = bytearray(gzip.decompress(bytes(data)))
    except Exception:  # noqa: BLE001
        flip(data, rnd)
        return
    rnd.choice((flip, set_int, header_int, truncate, duplicate))(inner, rnd)
    data[:] = gzip.compress(bytes(inner) or b"\0")


GENERIC = (flip, set_bytes, set_int, header_int, truncate, insert, duplicate)
SPECIAL = {"csv": (csv_cell, csv_cell, csv_cell), "npz": (npz_header, npz_header, npz_header),
           "idx": (gzip_payload, header_int)}


def mutate(kind: str, suffix: str, seed_bytes: bytes, rnd: random.Random) -> bytes:
    data = bytearray(seed_bytes)
    for _ in range(rnd.choice((1, 1, 1, 2, 3))):
        operators = GENERIC + SPECIAL.get(kind, ())
        if kind == "idx" and not suffix.endswith(".gz"):
            operators = GENERIC + (header_int, header_int)
        if kind == "idx" and suffix.endswith(".gz"):
            operators = SPECIAL["idx"] * 3 + GENERIC
        if not data:
            data = bytearray(b"\0")
        rnd.choice(operators)(data, rnd)
    return bytes(data)


# --- running -------------------------------------------------------------------------------------
def load(kind: str, path: Path, rnd: random.Random) -> None:
    if kind == "csv":
        load_csv(path, task=rnd.choice(("auto", "classification", "regression")))
    elif kind == "npz":
        load_npz(path, task=rnd.choice(("auto", "auto", "classification", "regression", "multilabel")))
    elif kind == "idx":
        load_idx(path)
    else:
        read_image(path)


@dataclass
class Outcome:
    cases: int = 0
    loaded: int = 0
    refused: int = 0
    escapes: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    max_seconds: float = 0.0
    slowest: str = ""
    by_kind: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: float = 0.0

    def summary(self) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.by_kind.items()))
        return (f"{self.cases} cases ({kinds}): {self.loaded} loaded, {self.refused} refused with DatasetError, "
                f"{len(self.escapes)} escapes, {len(self.slow)} slow; slowest {self.max_seconds:.3f} s "
                f"({self.slowest}); peak memory {self.peak_rss_mb:.0f} MB")


def fuzz(cases: int, seed: int = 0, max_seconds: float = 3.0, folder: Path | None = None,
         keep_failures: Path | None = None) -> Outcome:
    """Run ``cases`` mutated files through the loaders; return the counts (never raises for a case)."""
    rnd = random.Random(seed)
    base = seeds()
    outcome = Outcome()
    with tempfile.TemporaryDirectory() as tmp:
        folder = folder or Path(tmp)
        for case in range(cases):
            kind, suffix, seed_bytes = base[case % len(base)]
            data = mutate(kind, suffix, seed_bytes, rnd)
            path = folder / f"case{case % 50}{suffix}"
            path.write_bytes(data)
            started = time.perf_counter()
            try:
                load(kind, path, rnd)
                outcome.loaded += 1
            except DatasetError as exc:
                outcome.refused += 1
                message = str(exc)
                if TECHNICAL.search(message):
                    outcome.escapes.append(f"case {case} {kind}{suffix}: message names an exception: {message}")
            except Exception as exc:  # noqa: BLE001 - an escape: what we are looking for
                outcome.escapes.append(f"case {case} {kind}{suffix}: {type(exc).__name__}: {exc}\n"
                                       + "".join(traceback.format_exception(exc)[-3:]))
                if keep_failures is not None:
                    keep_failures.mkdir(parents=True, exist_ok=True)
                    (keep_failures / f"escape{case}{suffix}").write_bytes(data)
            elapsed = time.perf_counter() - started
            if elapsed > outcome.max_seconds:
                outcome.max_seconds, outcome.slowest = elapsed, f"case {case}, {kind}{suffix}"
            if elapsed > max_seconds:
                outcome.slow.append(f"case {case} {kind}{suffix}: {elapsed:.2f} s")
            outcome.cases += 1
            outcome.by_kind[kind] = outcome.by_kind.get(kind, 0) + 1
    outcome.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return outcome


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-seconds", type=float, default=3.0)
    p.add_argument("--keep-failures", type=Path, default=None, help="write escaping files to this folder")
    args = p.parse_args(argv)
    started = time.perf_counter()
    outcome = fuzz(args.cases, args.seed, args.max_seconds, keep_failures=args.keep_failures)
    print(outcome.summary() + f"; {time.perf_counter() - started:.1f} s in all")
    for line in outcome.escapes[:20] + outcome.slow[:20]:
        print(line)
    return 1 if outcome.escapes or outcome.slow else 0


if __name__ == "__main__":
    sys.exit(main())
