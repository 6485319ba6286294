"""Image augmentation for training batches: random flips, rotations, shifts, noise, …

Augmentation shows the network a slightly different version of each training
image every epoch, so it learns what does not matter (a digit shifted by two
pixels is the same digit). It is applied to training batches only, never to
validation or test data.

All geometric changes (flip, rotation, zoom, shift) are combined into one affine
map per image and applied in a single bilinear resampling, vectorized over the
batch: output pixel p reads the input at ``A⁻¹ (p − c − t) + c`` (c the image
centre, t the shift). Pixels that come from outside the image are 0.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .errors import DatasetError
from .registry import Option

AUGMENT_OPTIONS = (
    Option("flip", "bool", False, help="mirror left–right at random (not for digits or text!)"),
    Option("rotate", "float", 0.0, (0.0, 45.0), "largest random rotation, degrees"),
    Option("shift", "float", 0.0, (0.0, 0.3), "largest random shift, as a fraction of the image size"),
    Option("zoom", "float", 0.0, (0.0, 0.3), "random zoom in or out, as a fraction"),
    Option("brightness", "float", 0.0, (0.0, 0.5), "random brightness change (added)"),
    Option("contrast", "float", 0.0, (0.0, 0.5), "random contrast change (a factor 1 ± this)"),
    Option("noise", "float", 0.0, (0.0, 0.5), "standard deviation of added Gaussian noise"),
    Option("erase", "float", 0.0, (0.0, 0.5), "chance of blanking a random rectangle (random erasing)"),
)


@dataclass
class Augmenter:
    """Random changes to a batch of images ``(n, C, H, W)``; seeded, so runs repeat.

    Call it on each training batch: ``x = augment(x)``. It returns a new array
    and leaves the input untouched. With every setting at 0 it returns the batch as it is.
    """

    flip: bool = False
    rotate: float = 0.0
    shift: float = 0.0
    zoom: float = 0.0
    brightness: float = 0.0
    contrast: float = 0.0
    noise: float = 0.0
    erase: float = 0.0
    seed: int = 0

    def __post_init__(self):
        for opt in AUGMENT_OPTIONS:
            setattr(self, opt.name, opt.check(getattr(self, opt.name)))
        self.rng = np.random.default_rng(self.seed)

    @classmethod
    def from_options(cls, options: dict, seed: int = 0) -> "Augmenter":
        known = {f.name for f in fields(cls)} - {"seed"}
        unknown = set(options) - known
        if unknown:
            raise DatasetError(
                f"unknown augmentation {', '.join(sorted(unknown))}; choose from {', '.join(sorted(known))}"
            )
        return cls(**options, seed=seed)

    @property
    def active(self) -> bool:
        return any(getattr(self, opt.name) for opt in AUGMENT_OPTIONS)

    def __call__(self, images: np.ndarray) -> np.ndarray:
        images = np.asarray(images, dtype=np.float32)
        if images.ndim != 4:
            raise DatasetError(f"augmentation works on image batches (n, C, H, W), got shape {images.shape}")
        if not self.active:
            return images
        if self.flip or self.rotate or self.shift or self.zoom:
            images = self._geometric(images)
        if self.brightness or self.contrast:
            images = self._photometric(images)
        if self.erase:
            images = self._erase(images)
        if self.noise:
            images = images + self.rng.normal(0, self.noise, images.shape).astype(np.float32)
        return images

    def _geometric(self, images: np.ndarray) -> np.ndarray:
        n, _, h, w = images.shape
        rng = self.rng
        theta = np.radians(rng.uniform(-self.rotate, self.rotate, n))
        scale = rng.uniform(1 - self.zoom, 1 + self.zoom, n)
        mirror = np.where(rng.random(n) < 0.5, -1.0, 1.0) if self.flip else np.ones(n)
        tx = rng.uniform(-self.shift, self.shift, n) * w
        ty = rng.uniform(-self.shift, self.shift, n) * h
        # inverse map: undo shift, then rotate by −θ, divide by the scale, mirror x
        cos, sin = np.cos(theta) / scale, np.sin(theta) / scale
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cy, cx = (h - 1) / 2, (w - 1) / 2
        u = xx[None] - cx - tx[:, None, None]  # (n, H, W)
        v = yy[None] - cy - ty[:, None, None]
        src_x = (cos[:, None, None] * u + sin[:, None, None] * v) * mirror[:, None, None] + cx
        src_y = -sin[:, None, None] * u + cos[:, None, None] * v + cy
        return bilinear_sample(images, src_x, src_y)

    def _photometric(self, images: np.ndarray) -> np.ndarray:
        n = len(images)
        mean = images.mean(axis=(1, 2, 3), keepdims=True)
        factor = self.rng.uniform(1 - self.contrast, 1 + self.contrast, (n, 1, 1, 1)).astype(np.float32)
        offset = self.rng.uniform(-self.brightness, self.brightness, (n, 1, 1, 1)).astype(np.float32)
        return (images - mean) * factor + mean + offset

    def _erase(self, images: np.ndarray) -> np.ndarray:
        """Blank one random rectangle (a quarter to a half of each side) in a random subset of images."""
        n, _, h, w = images.shape
        rng = self.rng
        hit = rng.random(n) < self.erase
        eh = rng.integers(max(1, h // 4), max(2, h // 2 + 1), n)
        ew = rng.integers(max(1, w // 4), max(2, w // 2 + 1), n)
        top = (rng.random(n) * (h - eh + 1)).astype(int)
        left = (rng.random(n) * (w - ew + 1)).astype(int)
        rows = np.arange(h)[None, :, None]
        cols = np.arange(w)[None, None, :]
        box = (
            (rows >= top[:, None, None]) & (rows < (top + eh)[:, None, None])
            & (cols >= left[:, None, None]) & (cols < (left + ew)[:, None, None])
        )
        return np.where((box & hit[:, None, None])[:, None], 0.0, images).astype(np.float32)


def bilinear_sample(images: np.ndarray, src_x: np.ndarray, src_y: np.ndarray) -> np.ndarray:
    """Read ``images (n, C, H, W)`` at fractional positions ``(n, H', W')``; outside the image reads 0."""
    n, c, h, w = images.shape
    x0, y0 = np.floor(src_x).astype(np.intp), np.floor(src_y).astype(np.intp)
    tx, ty = (src_x - x0).astype(np.float32), (src_y - y0).astype(np.float32)
    flat = images.reshape(n, c, h * w)
    out = np.zeros((n, c) + src_x.shape[1:], dtype=np.float32)
    corners = ((0, 0, (1 - tx) * (1 - ty)), (0, 1, tx * (1 - ty)), (1, 0, (1 - tx) * ty), (1, 1, tx * ty))
    for dy, dx, weight in corners:
        xi, yi = x0 + dx, y0 + dy
        inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        index = (np.clip(yi, 0, h - 1) * w + np.clip(xi, 0, w - 1)).reshape(n, 1, -1)
        values = np.take_along_axis(flat, np.broadcast_to(index, (n, c, index.shape[2])), axis=2)
        out += values.reshape(out.shape) * (weight * inside)[:, None]
    return out
