import numpy as np
import pytest
from PIL import Image

from playground.data import DatasetError, load_dataset, load_image_folder, read_image
from playground.data.image_files import decode_png, resize, supported_suffixes

from ._files import interlaced_png_bytes, png_bytes, pnm_bytes

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
        ("unknown", "dog/x.xyz is not a supported image file"),
        ("broken_jpeg", "dog/x.jpg: not a JPEG image Pillow can read"),
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
    elif setup == "unknown":
        (root / "dog" / "x.xyz").write_bytes(b"1234")
    elif setup == "broken_jpeg":
        (root / "dog" / "x.jpg").write_bytes(b"\xff\xd8")
    elif setup == "missing":
        root = tmp_path / "nowhere"
    with pytest.raises(DatasetError, match=message):
        load_image_folder(root)


# --- formats read through Pillow ---------------------------------------------------------
def _pillow_file(path, pixels, **options):
    Image.fromarray(pixels).save(path, **options)
    return path


def test_jpeg_bmp_and_gif_through_pillow(tmp_path):
    smooth = np.tile(np.linspace(0, 255, 16, dtype=np.uint8), (12, 1))  # JPEG keeps a gentle ramp
    grey = read_image(_pillow_file(tmp_path / "a.jpg", smooth, quality=95))
    assert grey.shape == (12, 16) and grey.dtype == np.float32
    np.testing.assert_allclose(grey, smooth / 255, atol=0.03)
    colour = np.dstack([smooth, 255 - smooth, np.full_like(smooth, 128)])
    stored = _pillow_file(tmp_path / "b.JPEG", colour, quality=95, subsampling=0)  # full-size colour
    np.testing.assert_allclose(read_image(stored), colour / 255, atol=0.03)
    np.testing.assert_allclose(read_image(_pillow_file(tmp_path / "c.bmp", RGB)), RGB / 255, rtol=1e-6)
    np.testing.assert_allclose(read_image(_pillow_file(tmp_path / "d.gif", GREY)), GREY / 255, rtol=1e-6)
    assert {".jpg", ".jpeg", ".bmp", ".gif"} <= set(supported_suffixes())


def test_sixteen_bit_tiff_keeps_its_depth(tmp_path):
    deep = RNG.integers(0, 65536, (5, 6), dtype=np.uint16)
    np.testing.assert_allclose(read_image(_pillow_file(tmp_path / "d.tif", deep)), deep / 65535, rtol=1e-6)


def test_interlaced_png_goes_to_pillow(tmp_path):
    pixels = RNG.integers(0, 256, (11, 9, 3), dtype=np.uint8)  # odd sizes: some Adam7 passes are short
    (tmp_path / "i.png").write_bytes(interlaced_png_bytes(pixels))
    with pytest.raises(DatasetError, match="interlaced"):
        decode_png((tmp_path / "i.png").read_bytes())  # our reader alone cannot
    np.testing.assert_allclose(read_image(tmp_path / "i.png"), pixels / 255, rtol=1e-6)


def test_photo_is_turned_upright_by_its_exif_orientation(tmp_path):
    pixels = np.zeros((4, 8), np.uint8)
    pixels[:, :4] = 255  # white left half, stored landscape
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    image = read_image(_pillow_file(tmp_path / "p.jpg", pixels, exif=exif, quality=100))
    assert image.shape == (8, 4)  # portrait, as the camera was held
    assert image[:2].mean() > 0.9 and image[-2:].mean() < 0.1  # the left half is now on top


@pytest.mark.parametrize("name, data, message", [
    ("empty.jpg", b"", "empty.jpg: not a JPEG image Pillow can read"),
    ("notes.bmp", b"some text, not a bitmap", "notes.bmp: not a BMP image Pillow can read .*wrong extension"),
    ("cut.jpg", "cut", "cut.jpg: the JPEG data is damaged or cut short"),
])
def test_broken_pillow_files_are_explained(tmp_path, name, data, message):
    if data == "cut":
        whole = tmp_path / "whole.jpg"
        _pillow_file(whole, RNG.integers(0, 256, (64, 64, 3), dtype=np.uint8), quality=90)
        data = whole.read_bytes()[:400]
    (tmp_path / name).write_bytes(data)
    with pytest.raises(DatasetError, match=message):
        read_image(tmp_path / name)


def test_folder_of_jpegs(tmp_path):
    root = tmp_path / "shapes"
    for label, level in (("dark", 30), ("light", 220)):
        (root / label).mkdir(parents=True)
        for i in range(2):
            _pillow_file(root / label / f"{i}.jpg", np.full((6, 6), level + 5 * i, np.uint8), quality=95)
    ds = load_image_folder(root)
    assert ds.x.shape == (4, 1, 6, 6) and ds.class_names == ("dark", "light")
    np.testing.assert_allclose(ds.x[:, 0, 3, 3], np.array([30, 35, 220, 225]) / 255, atol=0.02)
