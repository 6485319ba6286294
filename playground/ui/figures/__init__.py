"""Lecture figures drawn for the page from the models: network diagrams, plots, slides.

:func:`~.slide.paint_slide` draws a slide onto any ``QPainter``;
:func:`~.slide.save_slide` writes it as PNG (1×/2×/3× of 1920 × 1080), SVG or PDF.
What it draws comes from a :class:`~playground.session.figure_data.FigureData`
(the open project and its current run), never from widgets.
"""

from playground.session.figure_data import (
           FigureData,
           available_panels,
           default_panels,
           default_style,
)

from .network import draw_network
from .slide import (
           LAYOUTS,
           SlideSpec,
           paint_slide,
           render_image,
           save_slide,
           slide_bytes,
           spec_for,
)

__all__ = [
           "LAYOUTS",
           "FigureData",
           "SlideSpec",
           "available_panels",
           "default_panels",
           "default_style",
           "draw_network",
           "paint_slide",
           "render_image",
           "save_slide",
           "slide_bytes",
           "spec_for",
]
