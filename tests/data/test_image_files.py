import numpy as np
import pytest

from playground.data import DatasetError, load_dataset, load_image_folder, read_image
from playground.data.image_files import decode_png, resize

from ._files import png_bytes, pnm_bytes

RNG = np.random.default_rng(0)
GREY = RNG.integers(0, 256, (7, 5), dtype=np.uint8)  # 7 rows: every PNG row filter is used
RGB = RNG.integers(0, 256, (6, 5, 3), dtype=np.uint8)


@pytest.mark.parametrize(
    "pixels, expected",
    [
        (GREY, GREY / 255),
        (RGB, RGB / 255),
        (np.dstack([RGB, np.full((6, 5), 9, np.uint8)]), RGB / 255),  # RGBA: alpha dropped
        (np.dstack([GREY, GREY]), GREY / 255),  # grey + alpha
    ],
)
def test_png_8_bit(pixels, expected):
    np.testing.assert_allclose(decode_png(png_bytes(pixels)), expected, rtol=1e-6)


def test_png_16_bit_and_low_bit_depths():
    deep = RNG.integers(0, 65536, (6, 4), dtype=np.uint16)
    np.testing.assert_allclose(decode_png(png_bytes(deep, depth=16)), deep / 65535, rtol=1e-6)
    bits = RNG.integers(0, 2, (6, 11), dtype=np.uint8)  # 11 pixels: not a whole number of bytes
    np.testing.assert_array_equal(decode_png(png_bytes(bits, depth=1)), bits)
    two = RNG.integers(0, 4, (5, 7), dtype=np.uint8)
    np.testing.assert_allclose(decode_png(png_bytes(two, depth=2)), two / 3, rtol=1e-6)


def test_png_palette():
    palette = np.array([[0, 0, 0], [255, 0, 0], [0, 128, 255]], np.uint8)
    index = RNG.integers(0, 3, (5, 6), dtype=np.uint8)
    for depth in (8, 2):
        out = decode_png(png_bytes(index, color_type=3, depth=depth, palette=palette))
        np.testing.assert_allclose(out, palette[index] / 255, rtol=1e-6)


def test_png_errors():
    with pytest.raises(DatasetError, match="not a PNG file"):
        decode_png(b"GIF89a" + bytes(30))
    good = png_bytes(GREY)
    with pytest.raises(DatasetError, match="cut short"):
        decode_png(good[:40])
    interlaced = bytearray(good)
    interlaced[28] = 1  # the interlace byte of IHDR (8 signature + 8 chunk head + 12)
    with pytest.raises(DatasetError, match="interlaced"):
        decode_png(bytes(interlaced))


@pytest.mark.parametrize("binary", [True, False])
def test_pgm_and_ppm(tmp_path, binary):
    (tmp_path / "a.pgm").write_bytes(pnm_bytes(GREY, binary))
    (tmp_path / "b.ppm").write_bytes(pnm_bytes(RGB, binary))
    np.testing.assert_allclose(read_image(tmp_path / "a.pgm"), GREY / 255, rtol=1e-6)
    np.testing.assert_allclose(read_image(tmp_path / "b.ppm"), RGB / 255, rtol=1e-6)


def test_pbm_and_16_bit_pgm(tmp_path):
    (tmp_path / "a.pbm").write_bytes(b"P1\n# tiny\n3 2\n0 1 0\n1 1 0\n")
    np.testing.assert_array_equal(read_image(tmp_path / "a.pbm"), [[1, 0, 1], [0, 0, 1]])  # 1 is black
    deep = np.array([[0, 1000], [40000, 65535]])
    (tmp_path / "d.pgm").write_bytes(pnm_bytes(deep, True, 65535))
    np.testing.assert_allclose(read_image(tmp_path / "d.pgm"), deep / 65535, rtol=1e-6)


def test_npy_images(tmp_path):
    np.save(tmp_path / "a.npy", GREY)
    np.testing.assert_allclose(read_image(tmp_path / "a.npy"), GREY / 255, rtol=1e-6)
    np.save(tmp_path / "b.npy", np.zeros((3, 4, 5), np.float32))  # channels first
    assert read_image(tmp_path / "b.npy").shape == (4, 5, 3)
    np.save(tmp_path / "c.npy", np.zeros((2, 3, 4, 5)))
    with pytest.raises(DatasetError, match=r"c.npy: an image array must be .* got shape \(2, 3, 4, 5\)"):
        read_image(tmp_path / "c.npy")


def test_unsupported_and_broken_files(tmp_path):
    (tmp_path / "a.xyz").write_bytes(b"1234")
    with pytest.raises(DatasetError, match=r"\.xyz is not a supported image format; use \.png"):
        read_image(tmp_path / "a.xyz")
    (tmp_path / "b.png").write_bytes(b"not really")
    with pytest.raises(DatasetError, match="b.png: not a PNG file"):
        read_image(tmp_path / "b.png")


def test_resize_by_hand():
    # 2×2 → 4×4 bilinear with aligned pixel centres: the corners keep their values,
    # the inner pixels mix 3/4 of the near value with 1/4 of the far one
    image = np.array([[0.0, 1.0], [0.0, 1.0]], np.float32)
    out = resize(image, 4, 4)
    np.testing.assert_allclose(out[0], [0, 0.25, 0.75, 1])
    assert resize(RGB / 255, 3, 2).shape == (3, 2, 3)


# --- image folders -----------------------------------------------------------------
def _folder(tmp_path, sizes=((4, 4), (4, 4)), color=False):
    root = tmp_path / "pets"
    for name, size in zip(("cat", "dog"), sizes):
        (root / name).mkdir(parents=True)
        for i in range(3):
            shape = (*size, 3) if color and name == "dog" else size
            pixels = np.full(shape, 40 * i + (100 if name == "dog" else 0), np.uint8)
            (root / name / f"{i}.png").write_bytes(png_bytes(pixels))
    return root


def test_folder_of_grey_images(tmp_path):
    root = _folder(tmp_path)
    (root / "cat" / ".DS_Store").write_bytes(b"junk")  # hidden files are ignored
    ds = load_image_folder(root)
    assert ds.x.shape == (6, 1, 4, 4) and ds.class_names == ("cat", "dog") and ds.task == "binary"
    np.testing.assert_array_equal(ds.y, [0, 0, 0, 1, 1, 1])
    np.testing.assert_allclose(ds.x[4, 0, 0, 0], 140 / 255, rtol=1e-6)


def test_folder_colour_and_resize(tmp_path):
    root = _folder(tmp_path, sizes=((4, 4), (6, 8)), color=True)
    ds = load_dataset("image_folder", path=str(root), size=5)
    assert ds.x.shape == (6, 3, 5, 5)  # one colour class makes all images RGB
    grey = load_image_folder(root, size=5, color="gray")
    assert grey.x.shape == (6, 1, 5, 5)


@pytest.mark.parametrize(
    "setup, message",
    [
        ("sizes", "images differ in size: cat/0.png is 4×4 but dog/0.png is 8×6 pixels; set the size option"),
        ("one_class", "has 1 sub-folder\\(s\\); make one sub-folder per class"),
        ("empty_class", "the class folder 'dog' holds no images"),
        ("jpeg", "dog/x.jpg is not a supported image file"),
        ("missing", "is not a folder"),
    ],
)
def test_bad_folders(tmp_path, setup, message):
    if setup == "sizes":
        root = _folder(tmp_path, sizes=((4, 4), (6, 8)))
    else:
        root = _folder(tmp_path)
    if setup == "one_class":
        for f in (root / "dog").iterdir():
            f.unlink()
        (root / "dog").rmdir()
    elif setup == "empty_class":
        for f in (root / "dog").iterdir():
            f.unlink()
    elif setup == "jpeg":
        (root / "dog" / "x.jpg").write_bytes(b"\xff\xd8")
    elif setup == "missing":
        root = tmp_path / "nowhere"
    with pytest.raises(DatasetError, match=message):
        load_image_folder(root)
