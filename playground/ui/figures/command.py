"""``playground figure PROJECT --out FILE.png|svg|pdf``: a slide of a project, without a window.

Works where there is no display (CI, a lecture-notes build): the offscreen Qt
platform is chosen before the application starts when no display is set.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

from playground.session.cli import CliError, check_writable
from playground.session.figure_data import PANELS, available_panels, from_project

FORMATS = (".png", ".svg", ".pdf")


def ensure_application():
    """A ``QGuiApplication`` for drawing text (offscreen when there is no display); made once."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        app = QGuiApplication(["playground"])
    return app


def parse_panels(text: str | None) -> list[str] | None:
    if text is None:
        return None
    panels = [p.strip().replace("-", "_") for p in text.split(",") if p.strip()]
    aliases = {"features": "feature_maps", "boundary_plot": "boundary", "histograms": "weights",
               "decision_boundary": "boundary", "reconstruction": "reconstructions"}
    panels = [aliases.get(p, p) for p in panels]
    unknown = [p for p in panels if p not in PANELS]
    if unknown:
        raise CliError(f"--panels: unknown panel {unknown[0]!r}; choose from {','.join(PANELS)}")
    if not 1 <= len(panels) <= 4:
        raise CliError(f"--panels: a slide holds 1 to 4 panels, got {len(panels)}")
    return panels


def figure_command(args, out: TextIO) -> int:
    target = Path(args.out)
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise CliError(f"--out must end in .png, .svg or .pdf, got {target.name!r}")
    panels = parse_panels(args.panels)
    if args.dpi is not None and not 10 <= args.dpi <= 2400:
        raise CliError(f"--dpi must be between 10 and 2400, got {args.dpi:g}")
    check_writable(target)
    from playground.model.fileio import load_project

    project = load_project(args.project)
    ensure_application()
    from .slide import save_slide, spec_for

    data = from_project(project, args.project)
    spec = spec_for(data, panels, args.style, layout=args.layout, title=args.title or "", caption=args.caption,
                    theme=args.theme)
    missing = [p for p in spec.panels if p not in available_panels(data)]
    content = save_slide(data, spec, target, scale=args.scale if suffix == ".png" else 1, dpi=args.dpi)
    size = f"{1920 * args.scale}×{1080 * args.scale} px" if suffix == ".png" else "13.333 × 7.5 in"
    print(f"Wrote {target} ({size}, {len(content) // 1024 or 1} KB): {', '.join(spec.panels)}; "
          f"network as {spec.style}", file=out)
    if missing:
        print(f"Note: nothing to show yet in {', '.join(missing)} (train the project first: "
              f"playground train {args.project})", file=out)
    return 0
