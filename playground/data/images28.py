"""28×28 images generated on the fly: drawn digits 0–9 and simple shapes.

No download and no font files: the glyphs are vector strokes (``glyphs``)
turned into distance fields once. To draw a batch of images, every pixel
centre is mapped back into glyph space through its image's own random affine
transform (rotation, scale, slant, shift) plus a smooth random warp, the
distance to the stroke is looked up there (bilinear), and the pixel gets

    brightness = clip(0.5 + (w/2 − d) / 1 px, 0, 1)

for stroke width ``w`` in pixels and distance ``d`` in pixels: 1 on the
stroke, 0 away from it, with a one-pixel soft edge (anti-aliasing). Then
Gaussian pixel noise is added. Everything is vectorized over the batch;
5,000 images take a fraction of a second.
"""

from __future__ import annotations

import numpy as np

from . import glyphs
from .dataset import Dataset
from .registry import Option, register

SIZE = 28
_CHUNK = 2048  # images rendered at once (bounds temporary memory to ~100 MB)


def _bilinear_lookup(fields: np.ndarray, which: np.ndarray, gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """Sample ``fields[which[i]]`` at glyph coordinates ``(gx, gy)[i]`` (shapes ``(n, P)``).

    Bilinear: the four surrounding grid values weighted by closeness. The lookups
    use flat indices into the raveled fields (faster than 3-axis fancy indexing).
    """
    g = glyphs.GRID_POINTS
    top = g - 1.001  # clamp so points outside read the border (far from any stroke)
    fx = np.clip((gx - glyphs.GRID_LOW) * (1 / glyphs.GRID_STEP), 0, top)
    fy = np.clip((gy - glyphs.GRID_LOW) * (1 / glyphs.GRID_STEP), 0, top)
    ix, iy = fx.astype(np.intp), fy.astype(np.intp)
    tx, ty = fx - ix, fy - iy
    flat = fields.reshape(-1)
    i00 = (which[:, None] * (g * g)) + iy * g + ix
    v00, v01 = flat.take(i00), flat.take(i00 + 1)
    v10, v11 = flat.take(i00 + g), flat.take(i00 + g + 1)
    return (v00 + (v01 - v00) * tx) * (1 - ty) + (v10 + (v11 - v10) * tx) * ty


def _smooth_warp(rng, n: int, amount: float) -> np.ndarray:
    """Random smooth displacements ``(n, 2, 28, 28)`` in glyph units: a 4×4 grid of offsets, interpolated."""
    coarse = rng.normal(0.0, amount, (n, 2, 4, 4)).astype(np.float32)
    up = np.stack([np.interp(np.linspace(0, 3, SIZE), np.arange(4), np.eye(4)[j]) for j in range(4)], axis=1)
    up = up.astype(np.float32)  # (28, 4): linear interpolation weights
    return up @ coarse @ up.T  # (n, 2, 28, 28)


def render(fields, which, matrix, shift, width, warp=None) -> np.ndarray:
    """Draw one glyph per image: ``(n, 28, 28)`` float32 in [0, 1].

    ``fields`` (K, G, G) distance fields; ``which`` (n,) the glyph of each image;
    ``matrix`` (n, 2, 2) glyph units → pixels (rotation·slant·scale); ``shift`` (n, 2)
    pixel offset of the glyph centre from the image centre; ``width`` (n,) stroke
    width in pixels; ``warp`` (n, 2, 28, 28) optional displacement in glyph units.
    """
    n = len(which)
    pix = np.arange(SIZE, dtype=np.float32) - (SIZE - 1) / 2  # pixel centres around the image centre
    ux = pix[None, None, :] - shift[:, 0, None, None]  # (n, 1, 28): column offset
    uy = pix[None, :, None] - shift[:, 1, None, None]  # (n, 28, 1): row offset
    a, b, c, d = matrix[:, 0, 0], matrix[:, 0, 1], matrix[:, 1, 0], matrix[:, 1, 1]
    det = a * d - b * c
    ia, ib, ic, id_ = (x[:, None, None] / det[:, None, None] for x in (d, -b, -c, a))  # inverse matrix
    gx = 0.5 + ia * ux + ib * uy  # (n, 28, 28) glyph coordinates of each pixel
    gy = 0.5 + ic * ux + id_ * uy
    if warp is not None:
        gx, gy = gx + warp[:, 0], gy + warp[:, 1]
    dist = _bilinear_lookup(fields, which, gx.reshape(n, -1), gy.reshape(n, -1)).reshape(n, SIZE, SIZE)
    dist_px = dist * np.sqrt(np.abs(det))[:, None, None]  # glyph units → pixels
    return np.clip(0.5 + width[:, None, None] / 2 - dist_px, 0.0, 1.0)


def random_affine(rng, n, size_px, rotation, scale, slant) -> np.ndarray:
    """``(n, 2, 2)`` matrices ``size · R(θ) · Slant · diag(s·r, s/r)``, angles in degrees.

    θ ~ U(±rotation), s ~ U(1 ± scale), aspect r = exp(U(±scale/2)), slant ~ U(±slant).
    """
    theta = np.radians(rng.uniform(-rotation, rotation, n))
    s = size_px * rng.uniform(1 - scale, 1 + scale, n)
    r = np.exp(rng.uniform(-scale / 2, scale / 2, n))
    k = rng.uniform(-slant, slant, n)
    cos, sin = np.cos(theta), np.sin(theta)
    # R = [[cos, −sin], [sin, cos]], Slant = [[1, k], [0, 1]], D = diag(s r, s / r)
    sx, sy = s * r, s / r
    m = np.empty((n, 2, 2), dtype=np.float32)
    m[:, 0, 0], m[:, 0, 1] = cos * sx, (cos * k - sin) * sy
    m[:, 1, 0], m[:, 1, 1] = sin * sx, (sin * k + cos) * sy
    return m


def _finish(images: np.ndarray, rng, noise: float, as_images: bool) -> np.ndarray:
    if noise > 0:
        images = np.clip(images + rng.normal(0, noise, images.shape).astype(np.float32), 0.0, 1.0)
    images = images.astype(np.float32, copy=False)
    return images[:, None] if as_images else images.reshape(len(images), -1)


def _in_chunks(n, draw) -> np.ndarray:
    return np.concatenate([draw(start, min(n, start + _CHUNK)) for start in range(0, n, _CHUNK)])


_COMMON = [
    Option("noise", "float", 0.1, (0.0, 1.0), "standard deviation of the pixel noise"),
    Option("rotation", "float", 12.0, (0.0, 180.0), "largest random rotation, degrees"),
    Option("shift", "float", 2.0, (0.0, 8.0), "largest random shift, pixels"),
    Option("scale", "float", 0.12, (0.0, 0.5), "random size change, as a fraction"),
    Option("thickness", "float", 2.2, (0.8, 5.0), "average stroke width, pixels"),
    Option("seed", "int", 0, (0, 2**31 - 1), "random seed: same seed, same images"),
    Option("as_images", "bool", True, help="images (1, 28, 28) for conv layers; off: 784 flat pixels"),
]


@register("digits28", "Drawn digits 28×28", group="Images", task="multiclass",
          options=[Option("n", "int", 5000, (10, 100000), "number of images", label="Images"),
                   Option("distortion", "float", 0.5, (0.0, 1.0), "slant and wobble of the strokes"),
                   *_COMMON])
def digits28(n=5000, distortion=0.5, noise=0.1, rotation=12.0, shift=2.0, scale=0.12,
             thickness=2.2, seed=0, as_images=True) -> Dataset:
    """Digits 0–9 drawn from a vector font with random jitter, MNIST-sized (no download).

    Classes are balanced; each image picks one of its digit's variants, a random
    affine transform, stroke width and smooth warp.
    """
    rng = np.random.default_rng(seed)
    fields, variant_digit = glyphs.digit_fields()
    y = rng.permutation(np.arange(n) % 10)
    first = np.searchsorted(variant_digit, np.arange(10))  # variants are stored digit by digit
    count = np.bincount(variant_digit, minlength=10)
    which = first[y] + (rng.random(n) * count[y]).astype(np.intp)

    def draw(lo, hi):
        m = hi - lo
        matrix = random_affine(rng, m, 19.0, rotation, scale, 0.35 * distortion)
        offset = rng.uniform(-shift, shift, (m, 2)).astype(np.float32)
        width = thickness * rng.uniform(0.7, 1.3, m).astype(np.float32)
        warp = _smooth_warp(rng, m, 0.03 * distortion) if distortion > 0 else None
        return render(fields, which[lo:hi], matrix, offset, width, warp)

    x = _finish(_in_chunks(n, draw), rng, noise, as_images)
    return Dataset(x, y, "multiclass", name="digits28", class_names=tuple("0123456789"),
                   description="digits drawn from a vector font with random jitter")


@register("shapes28", "Shapes 28×28", group="Images", task="multiclass",
          options=[Option("n", "int", 3000, (10, 100000), "number of images", label="Images"),
                   Option("filled", "bool", True, help="solid shapes; off: outlines only"),
                   *_COMMON])
def shapes28(n=3000, filled=True, noise=0.1, rotation=12.0, shift=2.0, scale=0.12,
             thickness=2.2, seed=0, as_images=True) -> Dataset:
    """Circles, squares, triangles, crosses, stars and arrows with random size, angle and position."""
    rng = np.random.default_rng(seed)
    fields = glyphs.shape_fields(filled)
    k = len(glyphs.SHAPE_NAMES)
    y = rng.permutation(np.arange(n) % k)

    def draw(lo, hi):
        m = hi - lo
        matrix = random_affine(rng, m, 20.0, rotation, scale + 0.1, 0.0)
        offset = rng.uniform(-shift, shift, (m, 2)).astype(np.float32)
        width = thickness * rng.uniform(0.8, 1.2, m).astype(np.float32)
        return render(fields, y[lo:hi], matrix, offset, width)

    x = _finish(_in_chunks(n, draw), rng, noise, as_images)
    return Dataset(x, y, "multiclass", name="shapes28", class_names=glyphs.SHAPE_NAMES,
                   description="simple shapes with random size, angle and position")


@register("shape_collage", "Several shapes per image (multi-label)", group="Images", task="multilabel",
          options=[Option("n", "int", 3000, (10, 100000), "number of images", label="Images"),
                   *[o for o in _COMMON if o.name not in ("shift", "rotation")]])
def shape_collage(n=3000, noise=0.1, scale=0.12, thickness=2.2, seed=0, as_images=True) -> Dataset:
    """Up to four small shapes per image (one per quadrant); the labels say which kinds appear."""
    rng = np.random.default_rng(seed)
    fields = glyphs.shape_fields(True)
    k = len(glyphs.SHAPE_NAMES)
    kind = rng.integers(0, k, (n, 4))
    present = rng.random((n, 4)) < 0.5
    present[np.arange(n), rng.integers(0, 4, n)] = True  # at least one shape per image
    corners = np.array([[-6.5, -6.5], [6.5, -6.5], [-6.5, 6.5], [6.5, 6.5]], dtype=np.float32)
    images = np.zeros((n, SIZE, SIZE), dtype=np.float32)
    for slot in range(4):  # one quadrant at a time, vectorized over the images that use it
        rows = np.flatnonzero(present[:, slot])
        matrix = random_affine(rng, len(rows), 11.0, 15.0, scale, 0.0)
        offset = corners[slot] + rng.uniform(-1, 1, (len(rows), 2)).astype(np.float32)
        width = np.full(len(rows), thickness * 0.6, dtype=np.float32)
        drawn = _in_chunks(len(rows), lambda lo, hi: render(
            fields, kind[rows[lo:hi], slot], matrix[lo:hi], offset[lo:hi], width[lo:hi]))
        images[rows] = np.maximum(images[rows], drawn)
    labels = np.zeros((n, k), dtype=np.float32)
    rows = np.repeat(np.arange(n), 4)[present.ravel()]
    labels[rows, kind.ravel()[present.ravel()]] = 1.0
    x = _finish(images, rng, noise, as_images)
    return Dataset(x, labels, "multilabel", name="shape_collage", class_names=glyphs.SHAPE_NAMES,
                   description="several small shapes per image; one yes/no label per kind")
