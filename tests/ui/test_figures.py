# ruff: noqa: F811  (pytest fixtures imported from test_main_window)
"""Lecture figures: slides drawn from the models as PNG/SVG/PDF, the composer, the CLI, presentation mode."""

import io
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from playground.model.fileio import load_project
from playground.session.cli import run_command
from playground.session.figure_data import (
    available_panels,
    default_panels,
    default_style,
    from_models,
    from_project,
)
from playground.ui.figures import SlideSpec, slide_bytes, spec_for
from playground.ui.figures.slide import render_image
from tests.ui.test_main_window import (  # noqa: F401
    answers,
    load_xor,
    make_window,
    qsettings,
    train_to_end,
    window,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
TRAIN = {"xor": 20, "digits_cnn": 2, "lstm_sine": 3, "vae": 5}
SVG = "{http://www.w3.org/2000/svg}"
MIN_PT = 18.0
CHROME = ("Log scale", "Gradient norms", "Smooth", "Auto range")  # check boxes and tab titles of the plots panel


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The four examples, trained briefly with the command line (as a lecturer would)."""
    folder = tmp_path_factory.mktemp("trained")
    out = {}
    for name, epochs in TRAIN.items():
        target = folder / f"{name}.nnpg"
        assert run_command(["train", str(EXAMPLES / f"{name}.nnpg"), "--epochs", str(epochs), "--out",
                            str(target), "--quiet"], out=io.StringIO()) == 0
        out[name] = target
    return out


def svg_texts(svg: bytes) -> list[tuple[str, float]]:
    """``(text, size in points)`` of every text element, with the sizes of enclosing groups and their scale."""
    root = ET.fromstring(svg)
    width_mm = float(re.match(r"([\d.]+)mm", root.get("width")).group(1))
    view_w = float(root.get("viewBox").split()[2])
    pt_per_unit = width_mm / 25.4 * 72 / view_w
    out = []

    def walk(node, size, scale):
        transform = node.get("transform")
        if transform and transform.startswith("matrix("):
            a, b, c, d, _e, _f = (float(v) for v in transform[7:-1].split(","))
            scale *= abs(a * d - b * c) ** 0.5
        size = float(node.get("font-size", size) or size)
        if node.tag == SVG + "text":
            out.append(("".join(node.itertext()), size * scale * pt_per_unit))
        for child in node:
            walk(child, size, scale)

    walk(root, 0.0, 1.0)
    return out


@pytest.mark.parametrize("name, style", [("xor", None), ("xor", "cards"), ("digits_cnn", None),
                                         ("digits_cnn", "cards"), ("lstm_sine", None), ("vae", None),
                                         ("vae", "blocks")])
def test_svg_names_every_layer_at_18_pt_without_widget_chrome(qapp, trained, name, style):
    project = load_project(trained[name])
    data = from_project(project, trained[name])
    spec = spec_for(data, style=style)
    texts = svg_texts(slide_bytes(data, spec, ".svg"))
    assert texts
    small = [(t, round(size, 1)) for t, size in texts if size < MIN_PT - 0.01]
    assert not small, f"text below {MIN_PT} pt: {small[:5]}"
    words = " ".join(t for t, _ in texts)
    for node in project.graph:
        assert node.title in words, f"{node.id} ({node.title}) is not named on the {spec.style} slide"
    for chrome in CHROME:
        assert chrome not in words
    assert project.title in words


def test_each_example_gets_the_panels_and_style_that_suit_it(qapp, trained):
    expected = {"xor": (["network", "boundary", "loss"], "neurons"),
                "digits_cnn": (["network", "feature_maps", "confusion", "loss"], "blocks"),
                "lstm_sine": (["network", "predictions", "loss"], "cards"),
                "vae": (["network", "latent", "reconstructions", "loss"], "cards")}
    for name, (panels, style) in expected.items():
        data = from_project(load_project(trained[name]))
        assert default_panels(data) == panels and default_style(data) == style, name
        assert set(panels) <= set(available_panels(data))


def test_png_is_exactly_1_2_3_times_full_hd_and_carries_its_dpi(qapp, trained):
    data = from_project(load_project(trained["xor"]))
    spec = spec_for(data)
    for scale in (1, 2, 3):
        image = QImage.fromData(slide_bytes(data, spec, ".png", scale=scale), "PNG")
        assert (image.width(), image.height()) == (1920 * scale, 1080 * scale)
        assert round(image.dotsPerMeterX() / 39.37007874) == 144 * scale  # a 13.333 in slide at any scale
    image = QImage.fromData(slide_bytes(data, spec, ".png", scale=2, dpi=300), "PNG")
    assert round(image.dotsPerMeterX() / 39.37007874) == 300 and image.width() == 3840
    with pytest.raises(ValueError):
        render_image(data, spec, scale=4)


def test_pdf_is_one_vector_page_of_a_16_9_slide(qapp, trained):
    data = from_project(load_project(trained["digits_cnn"]))
    pdf = slide_bytes(data, spec_for(data), ".pdf")
    assert pdf.startswith(b"%PDF")
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert box and abs(float(box.group(1)) - 960) < 1 and abs(float(box.group(2)) - 540) < 1
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + pdf.count(b"/Type/Page") >= 1


def test_dark_theme_and_every_panel_draw_without_errors(qapp, trained):
    data = from_project(load_project(trained["digits_cnn"]))
    spec = SlideSpec(panels=["network", "weights", "accuracy", "confusion"], layout="grid", style="cards",
                     theme="dark", title="Digits", caption="Two convolutions")
    image = render_image(data, spec)
    assert image.pixelColor(5, 5).lightness() < 60  # light on dark
    with pytest.raises(ValueError):
        SlideSpec(panels=["network", "loss", "accuracy", "weights", "confusion"]).check()


def test_untrained_project_still_gets_a_slide_that_says_so(qapp):
    data = from_project(load_project(EXAMPLES / "xor.nnpg"))
    spec = spec_for(data)
    assert spec.panels == ["network", "boundary", "loss"]  # the boundary panel shows the data points
    words = " ".join(t for t, _ in svg_texts(slide_bytes(data, spec, ".svg")))
    assert "Train first" in words and "untrained" in words and "x₁" in words


def test_cli_writes_the_slide_headless(trained, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "vae.png"
    done = subprocess.run([sys.executable, "-m", "playground", "figure", str(trained["vae"]), "--out", str(out),
                           "--scale", "2", "--panels", "network,latent,loss", "--style", "cards"],
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (3840, 2160)
    assert "network, latent, loss" in done.stdout
    for bad, message in ((["--out", str(tmp_path / "x.gif")], ".png, .svg or .pdf"),
                         (["--out", str(tmp_path / "x.svg"), "--panels", "network,nonsense"], "unknown panel")):
        done = subprocess.run([sys.executable, "-m", "playground", "figure", str(trained["vae"]), *bad],
                              env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 2 and message in done.stderr


# --- in the window ----------------------------------------------------------------------------
def test_slide_composer_draws_the_current_run(window, answers, tmp_path, qtbot):
    load_xor(window, epochs=3)
    train_to_end(window, qtbot)
    menu_texts = [a.text() for a in window.export_menu.actions()]
    window.exporter.fill_menu(window.export_menu)
    menu_texts = [a.text() for a in window.export_menu.actions()]
    assert "Slide…" in menu_texts
    dialog = window.slide_exports.compose_slide()
    qtbot.addWidget(dialog)
    assert dialog.checks["boundary"].isChecked() and dialog.checks["loss"].isChecked()
    assert not dialog.preview.pixmap().isNull()
    dialog.output_box.setCurrentIndex(4)  # SVG
    answers["save_path"] = tmp_path / "slide.svg"
    assert dialog.save() == str(tmp_path / "slide.svg")
    words = " ".join(t for t, _ in svg_texts((tmp_path / "slide.svg").read_bytes()))
    assert "validation" in words and "Log scale" not in words
    data = from_models(window.document, window.run)
    assert len(data.history.series("train_loss")[0]) > 0
    window.controller.reset()  # the slide follows the run: no curve of the run that was reset
    data = from_models(window.document, window.run)
    assert len(data.history.series("train_loss")[0]) == 0
    words = " ".join(t for t, _ in svg_texts(slide_bytes(data, spec_for(data, ["network", "loss"]), ".svg")))
    assert "Train first" in words


def test_default_slide_export_and_print_dpi(window, answers, tmp_path, qtbot):
    load_xor(window, epochs=2)
    answers["save_path"] = tmp_path / "print.png"
    assert window.slide_exports.save_slide(print_size=True) == str(tmp_path / "print.png")
    image = QImage(str(tmp_path / "print.png"))
    assert (image.width(), image.height()) == (3840, 2160)
    assert round(image.dotsPerMeterX() / 39.37007874) == 300


def test_presentation_mode_keys_and_leaving(window, qtbot, monkeypatch):
    load_xor(window, epochs=2)
    qtbot.waitUntil(lambda: window.run.data is not None and window.run.data.plane, timeout=5000)
    calls = []
    c = window.controller
    for name in ("play", "pause", "step", "reset"):
        monkeypatch.setattr(c, name, lambda *a, n=name: calls.append(n))
    monkeypatch.setattr(c, "set_speed", lambda delta: calls.append(("speed", delta)), raising=False)
    mode = window.presentation
    docks_before = {d.objectName(): d.isVisible() for d in window.docks.values()}
    window.menu_actions["presentation"].trigger()  # F11
    assert mode.active and mode.plots is not None
    assert not any(d.isVisible() for d in window.docks.values())
    assert not window.menuBar().isVisible()
    assert mode.plots.panels() == ["boundary", "loss"]
    mode.plots.repaint()
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_R, Qt.Key.Key_Plus, Qt.Key.Key_Minus):
        qtbot.keyClick(window.canvas, key)
    assert calls == ["play", "step", "reset", ("speed", 1), ("speed", -1)]
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert not mode.active and mode.plots is None
    assert {d.objectName(): d.isVisible() for d in window.docks.values()} == docks_before
    qtbot.keyClick(window.canvas, Qt.Key.Key_R)  # not presenting: R is no longer ours
    assert calls[-1] == ("speed", -1)
