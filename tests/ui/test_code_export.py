# ruff: noqa: F811  (pytest fixtures imported from test_main_window)
"""File ▸ Export ▸ PyTorch/NumPy script: reachable from the window, and the script runs."""

import subprocess
import sys

import pytest

from tests.ui.test_main_window import answers, load_xor, make_window, qsettings, window  # noqa: F401


def export_action(window, text):
    window.exporter.fill_menu(window.export_menu)
    return next(a for a in window.export_menu.actions() if a.text() == text)


def test_numpy_script_from_the_export_menu_trains(window, answers, tmp_path):
    load_xor(window, epochs=3)
    answers["save_path"] = tmp_path / "xor_numpy"
    export_action(window, "NumPy script (our engine)…").trigger()
    script = tmp_path / "xor_numpy.py"  # the suffix is added
    assert script.exists() and "playground.engine" in script.read_text()
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "accuracy" in done.stdout.lower()
    assert str(script) in window.statusBar().currentMessage()


def test_pytorch_script_is_written(window, answers, tmp_path):
    pytest.importorskip("torch")
    load_xor(window, epochs=2)
    answers["save_path"] = tmp_path / "xor_torch.py"
    export_action(window, "PyTorch script…").trigger()
    text = (tmp_path / "xor_torch.py").read_text()
    assert "import torch" in text and "nn.Module" in text
    compile(text, "xor_torch.py", "exec")  # the exported scripts are run in tests/session


def test_a_network_that_cannot_be_written_says_why(window, answers, tmp_path, monkeypatch):
    from playground.session.codegen import ExportError
    from playground.ui import code_export

    load_xor(window, epochs=2)
    errors = []
    monkeypatch.setattr(window, "show_error", errors.append)

    def refuse(project, epochs=None):
        raise ExportError("the layer 'maxout_1' has no PyTorch counterpart")

    monkeypatch.setitem(code_export.FLAVOURS, "export_pytorch",
                        code_export.FLAVOURS["export_pytorch"][:2] + (refuse,) + code_export.FLAVOURS["export_pytorch"][3:])
    assert window.code_exports.save("export_pytorch") is None
    assert errors == ["Cannot write the script: the layer 'maxout_1' has no PyTorch counterpart"]


def test_a_script_that_cannot_be_written_is_a_message(window, answers, tmp_path, monkeypatch):
    load_xor(window, epochs=2)
    errors = []
    monkeypatch.setattr(window, "show_error", errors.append)
    missing = tmp_path / "no_such_folder" / "xor.py"
    assert window.code_exports.save("export_numpy", str(missing)) is None
    assert errors and errors[0].startswith(f"Could not write {missing}: No such file or directory")
