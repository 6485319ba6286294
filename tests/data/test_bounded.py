"""Issue 11, data files: each bad input of the attack run gets one DatasetError with a plain message, fast.

Every file is made here, small; bombs are tiny crafted files that claim (or unpack to) a lot.
"""

import gzip
import io
import os
import re
import struct
import time
import zipfile
import zlib

import numpy as np
import pytest

from playground.data import (
    DatasetError,
    bounded,
    load_csv,
    load_idx,
    load_image_folder,
    load_npz,
    read_image,
)
from playground.data.dataset import MAX_CLASSES

from ._files import idx_bytes, png_bytes


def refused(call, *args, match: str, seconds: float = 3.0, **kwargs) -> str:
    started = time.perf_counter()
    with pytest.raises(DatasetError, match=match) as info:
        call(*args, **kwargs)
    assert time.perf_counter() - started < seconds
    message = str(info.value)
    assert "Traceback" not in message and "Errno" not in message
    return message


# --- only ordinary files ------------------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("loader", [load_csv, load_npz, load_idx, read_image])
def test_a_fifo_is_refused_at_once(tmp_path, loader):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    refused(loader, fifo, match="named pipe", seconds=1.0)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_symlink_to_dev_zero_is_a_device(tmp_path):
    link = tmp_path / "big.csv"
    link.symlink_to("/dev/zero")
    refused(load_csv, link, match="is a device", seconds=1.0)


def test_a_folder_is_refused(tmp_path):
    refused(load_csv, tmp_path, match="is a folder")


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    from playground.data import csv_file

    sparse = tmp_path / "huge.csv"
    with open(sparse, "wb") as f:
        f.truncate(3 * 2**30)  # 3 GB on paper, nothing on disk
    monkeypatch.setattr(csv_file, "MAX_FILE_BYTES", 2**30)
    refused(load_csv, sparse, match=r"3\.0 GB, more than the 1\.0 GB", seconds=1.0)


# --- CSV ----------------------------------------------------------------------------------------
def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def table(cell="0.5", target_values=("0", "1", "0", "1", "0", "1")):
    rows = [f"{cell if i == 2 else i * 0.1},{t}" for i, t in enumerate(target_values)]
    return "x,y\n" + "\n".join(rows) + "\n"


def test_a_csv_cell_over_the_csv_limit(tmp_path):
    path = write(tmp_path, "long.csv", table(cell="7" * 140_000))
    message = refused(load_csv, path, match="line 4")
    assert "_csv" not in message


@pytest.mark.parametrize("cell", ["inf", "-inf", "1e999", "+nan", "4e38"])
def test_csv_infinite_or_too_large_cells_are_refused(tmp_path, cell):
    refused(load_csv, write(tmp_path, "inf.csv", table(cell=cell)), match=re.escape(f"column 'x' on line 4 has '{cell}'"))


def test_csv_targets_of_1e30_are_not_cast_to_classes(tmp_path):
    path = write(tmp_path, "huge.csv", table(target_values=("1e30", "2e30", "1e30", "2e30", "1e30", "2e30")))
    ds = load_csv(path)
    assert ds.task == "regression" and ds.y.max() == pytest.approx(2e30, rel=1e-6)


def test_csv_with_too_many_classes(tmp_path):
    rows = "\n".join(f"{i},name{i}" for i in range(MAX_CLASSES + 5))
    refused(load_csv, write(tmp_path, "names.csv", "x,y\n" + rows), match=f"{MAX_CLASSES + 5:,} different values")


def test_csv_with_too_many_columns(tmp_path):
    header = ",".join(f"c{i}" for i in range(20_001))
    refused(load_csv, write(tmp_path, "wide.csv", header + "\n"), match="20,001 values; at most 10,000 columns")


# --- NPZ ----------------------------------------------------------------------------------------
def npz_file(tmp_path, members: dict[str, bytes], name="data.npz", method=zipfile.ZIP_DEFLATED):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", method) as zf:
        for member, payload in members.items():
            zf.writestr(member, payload)
    return path


def npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def test_npz_corrupt_compressed_member(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez_compressed(path, x=np.arange(400.0).reshape(100, 4), y=np.zeros(100, int))
    raw = bytearray(path.read_bytes())
    raw[80:90] = b"\xff" * 10  # inside the first member's deflate stream
    path.write_bytes(bytes(raw))
    message = refused(load_npz, path, match="cannot be read|damaged")
    assert "zlib" not in message and "Error -3" not in message


def test_npz_with_zero_samples(tmp_path):
    path = tmp_path / "empty.npz"
    np.savez(path, x=np.zeros((0, 3)), y=np.zeros(0, int))
    refused(load_npz, path, match="holds no samples")


def test_npz_header_claiming_1e5_by_1e5(tmp_path):
    payload = npy(np.zeros((2, 3))).replace(b"(2, 3)", b"(100000, 100000)")
    refused(load_npz, npz_file(tmp_path, {"x.npy": payload}), match="does not match", seconds=1.0)


def test_npz_class_label_of_1e8(tmp_path):
    path = tmp_path / "labels.npz"
    np.savez(path, x=np.zeros((3, 2)), y=np.array([0, 1, 100_000_000]))
    refused(load_npz, path, match=f"go up to 100,000,000; .* at most {MAX_CLASSES:,} classes", seconds=1.0)


def test_npz_nan_targets(tmp_path):
    path = tmp_path / "nan.npz"
    np.savez(path, x=np.zeros((3, 2)), y=np.array([0.5, np.nan, 1.0]))
    refused(load_npz, path, match=r"holds nan .* sample 2")


def test_npz_member_that_inflates_beyond_its_declared_size(tmp_path):
    """A zip bomb: the header says 200 bytes, the deflated data unpacks to 64 MB."""
    path = npz_file(tmp_path, {"x.npy": npy(np.zeros((5, 5)))})
    raw = bytearray(path.read_bytes())
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = bomb.compress(b"\0" * 64 * 2**20) + bomb.flush()
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as zf:
        info = zf.infolist()[0]
    name = info.filename.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, len(payload), 200, len(name), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, 0, len(payload), 200, len(name),
                          0, 0, 0, 0, 0, 0)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name),
                      len(local) + len(name) + len(payload), 0)
    path.write_bytes(local + name + payload + central + name + end)
    refused(load_npz, path, match="array 'x'", seconds=1.0)


def test_npz_with_too_many_arrays(tmp_path):
    members = {f"a{i}.npy": npy(np.zeros(1)) for i in range(bounded.MAX_ARRAYS + 1)}
    refused(load_npz, npz_file(tmp_path, members, method=zipfile.ZIP_STORED),
            match=f"holds {bounded.MAX_ARRAYS + 1} arrays; at most {bounded.MAX_ARRAYS}")


def test_npz_lzma_member_is_a_plain_message(tmp_path):
    refused(load_npz, npz_file(tmp_path, {"x.npy": npy(np.zeros((2, 2)))}, method=zipfile.ZIP_LZMA),
            match="packed with a method this app does not read")


# --- IDX ----------------------------------------------------------------------------------------
def idx_header(code: int, dims: list[int]) -> bytes:
    return bytes([0, 0, code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


def test_idx_dimensions_whose_product_overflows(tmp_path):
    path = tmp_path / "big-idx3-ubyte"
    path.write_bytes(idx_header(0x08, [2**32 - 1, 2**32 - 1, 2**32 - 1]) + b"\0" * 16)
    refused(load_idx, path, match="more than the", seconds=1.0)


def test_idx_with_100_dimensions(tmp_path):
    path = tmp_path / "many-idx"
    path.write_bytes(idx_header(0x08, [1] * 100))
    refused(load_idx, path, match="100 dimensions")


def test_idx_with_zero_samples(tmp_path):
    path = tmp_path / "none-idx3-ubyte"
    path.write_bytes(idx_header(0x08, [0, 28, 28]))
    refused(load_idx, path, match="holds no images")


def test_idx_labels_of_2_to_the_31(tmp_path):
    images, labels = tmp_path / "img", tmp_path / "lab"
    images.write_bytes(idx_bytes(np.zeros((2, 3, 3), np.uint8)))
    labels.write_bytes(idx_bytes(np.array([0, 2**31 - 1], np.int32)))
    refused(load_idx, images, labels, match=f"at most {MAX_CLASSES:,} classes", seconds=1.0)


def test_idx_gzip_bomb_is_refused_from_its_header(tmp_path):
    """6 MB of gzip that would unpack to 6 GiB: the header is read first and refused."""
    path = tmp_path / "bomb-idx3-ubyte.gz"
    head = idx_header(0x08, [6 * 2**30 // 784, 28, 28])
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * 2**20
    path.write_bytes(compressor.compress(head) + b"".join(compressor.compress(chunk) for _ in range(64))
                     + compressor.flush())
    refused(load_idx, path, match="more than the", seconds=1.0)


def test_idx_gzip_that_unpacks_beyond_its_header(tmp_path):
    path = tmp_path / "lying-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_header(0x08, [2, 2, 2]) + b"\0" * (3 * 2**20)))
    refused(load_idx, path, match="unpacks to more than", seconds=1.0)


def test_idx_float_images_with_nan(tmp_path):
    path = tmp_path / "nan-idx3"
    path.write_bytes(idx_bytes(np.array([[[0.5, np.nan]], [[0.1, 0.2]]], np.float32)))
    refused(load_idx, path, match="holds nan")


# --- images -------------------------------------------------------------------------------------
def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


PNG = b"\x89PNG\r\n\x1a\n"


def test_png_ihdr_of_the_wrong_length(tmp_path):
    path = tmp_path / "a.png"
    path.write_bytes(PNG + chunk(b"IHDR", b"\0" * 9) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b""))
    message = refused(read_image, path, match="IHDR.* 9 bytes long instead of 13")
    assert "struct" not in message


def test_png_palette_of_4_bytes(tmp_path):
    good = png_bytes(np.zeros((2, 2), np.uint8), color_type=3, palette=[[0, 0, 0]])
    bad = good.replace(chunk(b"PLTE", b"\0\0\0"), chunk(b"PLTE", b"\0\0\0\0"))
    path = tmp_path / "p.png"
    path.write_bytes(bad)
    refused(read_image, path, match="palette is 4 bytes long")


def test_png_width_0_with_resize(tmp_path):
    folder = tmp_path / "set"
    for label in ("a", "b"):
        (folder / label).mkdir(parents=True)
        header = struct.pack(">IIBBBBB", 0, 4, 8, 0, 0, 0, 0)
        (folder / label / "x.png").write_bytes(PNG + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 4))
                                               + chunk(b"IEND", b""))
    refused(load_image_folder, folder, size=8, match="0×4 pixels, which is empty")


def test_png_declaring_20000_by_20000_is_refused_before_decoding(tmp_path):
    """A few hundred bytes that claim 400 million pixels (the attack's 390 kB file decoded for 40 s)."""
    header = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * 20001 * 16)
    path = tmp_path / "bomb.png"
    path.write_bytes(PNG + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b""))
    refused(read_image, path, match="20,000×20,000 pixels, more than", seconds=1.0)


def test_interlaced_png_bomb_never_reaches_pillow(tmp_path):
    header = struct.pack(">IIBBBBB", 50000, 50000, 8, 0, 0, 0, 1)
    path = tmp_path / "bomb.png"
    path.write_bytes(PNG + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b""))
    refused(read_image, path, match="50,000×50,000 pixels", seconds=1.0)


def test_pillow_formats_check_the_size_first(tmp_path):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (4, 4)).save(buffer, format="BMP")
    raw = bytearray(buffer.getvalue())
    raw[18:26] = struct.pack("<ii", 10000, 10000)  # BITMAPINFOHEADER width and height
    path = tmp_path / "big.bmp"
    path.write_bytes(bytes(raw))
    refused(read_image, path, match="10,000×10,000 pixels, more than", seconds=1.0)
    raw[18:26] = struct.pack("<ii", 30000, 30000)  # past Pillow's own limit too
    path.write_bytes(bytes(raw))
    refused(read_image, path, match="more pixels than can be decoded safely", seconds=1.0)


def test_pgm_with_a_5000_digit_width(tmp_path):
    path = tmp_path / "a.pgm"
    path.write_bytes(b"P5\n" + b"9" * 5000 + b" 2\n255\n" + b"\0" * 4)
    refused(read_image, path, match="a number with 5,000 digits")


def test_npy_of_0_bytes(tmp_path):
    path = tmp_path / "a.npy"
    path.write_bytes(b"")
    refused(read_image, path, match="not a NumPy array")


def test_zip_named_npy(tmp_path):
    path = tmp_path / "a.npy"
    np.savez(path.with_suffix(".npz"), x=np.zeros(2))
    path.write_bytes(path.with_suffix(".npz").read_bytes())
    refused(read_image, path, match="not a NumPy array")


@pytest.mark.parametrize("value", [np.nan, np.inf, 1e39])
def test_npy_images_with_nan_or_inf(tmp_path, value):
    path = tmp_path / "a.npy"
    image = np.zeros((3, 3), np.float64)
    image[1, 2] = value
    np.save(path, image)
    refused(read_image, path, match="not a number")


def test_npy_header_that_cannot_be_tokenized(tmp_path):
    payload = npy(np.zeros((2, 2)))
    broken = payload.replace(b"'shape': (2, 2)", b"'shape': (2, 2  ")
    path = tmp_path / "a.npy"
    path.write_bytes(broken)
    message = refused(read_image, path, match="damaged array header")
    assert "TokenError" not in message


# --- the bounded layer itself ------------------------------------------------------------------
def test_gunzip_stops_at_its_cap():
    data = gzip.compress(b"\0" * (4 * 2**20))
    with pytest.raises(DatasetError, match="unpacks to more than 1.0 MB"):
        bounded.gunzip(data, 2**20, DatasetError, "x.gz")
    assert bounded.gunzip(data, 8 * 2**20, DatasetError, "x.gz") == b"\0" * (4 * 2**20)


def test_text_problem_finds_lone_surrogates():
    assert bounded.text_problem("Übung ✓") is None
    assert "U+D800" in bounded.text_problem("a\ud800b")
    assert bounded.text_problem("a\x00") == "a NUL character"
