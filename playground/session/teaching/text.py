"""Small helpers that turn numbers into the text the teaching tools show.

Numbers get a fixed count of significant digits and a real minus sign
("−0.053"); unit indices become subscripts ("δ₁₂"); a negative factor in a
product is put in parentheses ("0.5·(−0.25)").
"""

from __future__ import annotations

import math

_SUBSCRIPTS = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉,")


def num(value: float, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits and a typographic minus: ``−0.05301``."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:.{digits}g}"
    if text in ("-0", "0"):
        return "0"
    if "e" in text:  # 1e-07 → 1e−7
        mantissa, _, exponent = text.partition("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


def sci(value: float) -> str:
    """A threshold in short scientific form: ``1e−6``, ``1e3``, ``2.5e−4``."""
    mantissa, _, exponent = f"{float(value):.1e}".partition("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}".replace("-", "−")


def factor(value: float, digits: int = 4) -> str:
    """A number used as a factor in a product: negative ones in parentheses, ``(−0.25)``."""
    text = num(value, digits)
    return f"({text})" if text.startswith("−") else text


def sub(*indices: int) -> str:
    """1-based unit indices as subscripts: ``sub(1, 2) == "₁₂"``; with an index ≥ 10, ``"₁₀,₂"``."""
    sep = "," if any(i >= 10 for i in indices) else ""
    return sep.join(str(i) for i in indices).translate(_SUBSCRIPTS)


def vector(values, digits: int = 4, limit: int = 8) -> str:
    """``[0.1, −0.2, …]`` with at most ``limit`` entries shown."""
    values = [float(v) for v in values]
    shown = ", ".join(num(v, digits) for v in values[:limit])
    more = f", … ({len(values)} in all)" if len(values) > limit else ""
    return f"[{shown}{more}]"


def span(names: list[str]) -> str:
    """``"dense1"`` or ``"dense1–dense3"`` for a run of consecutive layers."""
    return names[0] if len(names) == 1 else f"{names[0]}–{names[-1]}"
