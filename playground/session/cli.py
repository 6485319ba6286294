"""Headless command line: ``playground train PROJECT`` and ``playground info PROJECT``.

Runs the same :class:`Trainer` the window runs in its training process.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TextIO

from playground import __version__
from playground.data import DatasetError
from playground.engine.backend import BackendError
from playground.model.errors import ModelError
from playground.model.fileio import load_project, save_project

from .compile import CompileError, build_run, load_data, store_results, summarize
from .history import MetricHistory
from .not_finite import explain_not_finite, not_finite_weights

BAR_WIDTH = 30
MAX_EPOCHS = 1_000_000  # as in the training settings


def progress_line(report, started: float) -> str:
    """``[######----] 40% epoch 4/10  loss 0.231  val 0.245  acc 0.93  12.3 s``"""
    done = min(1.0, max(0.0, report.iteration / max(1, report.iterations_total)))
    filled = int(BAR_WIDTH * done)
    parts = [f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done:4.0%}",
             f"epoch {report.epoch}", f"loss {report.train_loss:.4g}"]
    if report.val_loss is not None:
        parts.append(f"val {report.val_loss:.4g}")
    accuracy = report.val_metrics.get("accuracy", report.train_metrics.get("accuracy"))
    if accuracy is not None:
        parts.append(f"acc {accuracy:.3f}")
    parts.append(f"{time.perf_counter() - started:.1f} s")
    return "  ".join(parts)


def format_table(rows: list[dict]) -> str:
    """A model summary: one line per layer, then the totals."""
    header = ("Layer", "Kind", "Output shape", "Params")
    lines = [(r["id"], r["title"], str(r["shape"]) if r["shape"] else "?",
              f"{r['trainable']:,}" + (f" (+{r['non_trainable']:,} fixed)" if r["non_trainable"] else ""))
             for r in rows]
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h)
              for i, h in enumerate(header)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*line) for line in lines]
    for r in rows:
        for problem in r["problems"]:
            out.append(f"  ! {r['id']}: {problem}")
    trainable = sum(r["trainable"] for r in rows)
    fixed = sum(r["non_trainable"] for r in rows)
    out.append(f"Total: {trainable:,} trainable parameters" + (f", {fixed:,} non-trainable" if fixed else ""))
    return "\n".join(out)


def cmd_info(args, out: TextIO) -> int:
    """The title, the data and the layer table; exit 1 when the project's data cannot be loaded."""
    project = load_project(args.project)
    dataset, problem = None, None
    if project.dataset:
        try:
            dataset = load_data(project)
        except CompileError as exc:
            problem = str(exc)
    print(f"{project.title}: {project.description}".rstrip(": "), file=out)
    if dataset is not None:
        print(f"Data: {dataset.describe()}", file=out)
    elif problem is not None:
        print(f"Data: cannot be loaded: {problem}", file=out)
    else:
        print("Data: none chosen", file=out)
    print(format_table(summarize(project, dataset)), file=out)
    return 1 if problem is not None else 0


def cmd_train(args, out: TextIO) -> int:
    project = load_project(args.project)
    target = Path(args.out or args.project)
    check_writable(target)  # before any work, not after an hour of training
    run = build_run(project, backend=args.backend, epochs=args.epochs)
    cause = explain_not_finite(None, run.initial_weights)
    if cause is not None:
        print(f"playground: not trained: {cause}", file=sys.stderr)
        return 1
    print(f"Training {project.title} on {run.backend.label} ({run.backend.note})", file=out)
    history, started, last = MetricHistory(), time.perf_counter(), None
    interactive = out.isatty() and not args.quiet
    for report in run.trainer.steps():
        history.append(report)
        last = report
        if interactive:
            print("\r" + progress_line(report, started), end="", file=out, flush=True)
        elif report.epoch_end and not args.quiet:
            print(progress_line(report, started), file=out)
    if interactive:
        print(file=out)
    print(last.message if last else "Nothing to train.", file=out)
    diverged = last is None or "NaN" in last.message or "infinite" in last.message
    if last is not None and diverged:
        cause = explain_not_finite(run.data, run.initial_weights)
        if cause is not None:
            print(f"Cause: {cause}", file=out)
    if last is not None:
        print(summary_line(last), file=out)
    bad = not_finite_weights(run.net.state_dict())
    if bad:
        print(f"Not saved: the weights became NaN or infinite ({', '.join(bad[:3])}"
              f"{', …' if len(bad) > 3 else ''}); {target} was left as it was.", file=out)
        return 1
    store_results(project, run, history.to_dict())
    save_project(project, target)
    print(f"Saved weights and history to {target}", file=out)
    return 1 if diverged else 0


def check_writable(target: Path) -> None:
    """Raise :class:`CliError` unless a file can be saved at ``target`` (tried with a small temp file)."""
    if target.is_dir():
        raise CliError(f"cannot save to {target}: it is a folder; give a file name such as "
                       f"{target / 'trained.nnpg'}")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"cannot save to {target}: the folder {folder} does not exist")
    if target.exists() and not os.access(target, os.W_OK):
        raise CliError(f"cannot save to {target}: the file is read-only")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise CliError(f"cannot save to {target}: the folder {folder} is not writable "
                       f"({exc.strerror or exc})") from None


# commands that live outside the session: ``figure`` draws with Qt, which the session never
# imports; playground/__main__.py registers it here (name → function(args, out) → exit status)
OUTSIDE_COMMANDS: dict = {}


def cmd_figure(args, out: TextIO) -> int:
    handler = OUTSIDE_COMMANDS.get("figure")
    if handler is None:
        raise CliError("the figure command needs the window's drawing code; run it as `playground figure`")
    return handler(args, out)


class CliError(Exception):
    """A problem with what was asked on the command line, found before any work: one line, exit 2."""


def summary_line(report) -> str:
    parts = [f"final train loss {report.train_loss:.4g}"]
    if report.val_loss is not None:
        parts.append(f"validation loss {report.val_loss:.4g}")
    for name, value in report.val_metrics.items():
        parts.append(f"validation {name} {value:.2%}")
    return "Result: " + ", ".join(parts)


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}") from None
    if not 1 <= value <= MAX_EPOCHS:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_EPOCHS:,}, got {value}")
    return value


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line on stderr (exit 2), naming where help is."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


USAGE_EPILOG = """\
without a command:
  playground                 open the window
  playground PROJECT.nnpg    open the window with this project

examples:
  playground info resources/examples/xor.nnpg
  playground train resources/examples/xor.nnpg --epochs 20 --out xor_trained.nnpg
  playground figure xor_trained.nnpg --out xor.png --scale 2

exit status: 0 done, 1 the project cannot be used as asked (its data cannot be loaded, training
diverged), 2 a file or an argument is wrong, 130 interrupted (Ctrl-C)."""


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="playground", formatter_class=argparse.RawDescriptionHelpFormatter,
                description="Network Playground: build neural networks on a canvas and watch them train.\n"
                            "The commands below run without a window.",
                epilog=USAGE_EPILOG)
    p.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    train = sub.add_parser("train", help="train a project without a window and save the result",
                           description="Train a project with its own settings (the same training as the "
                                       "window's Play) and save the weights and history.")
    train.add_argument("project", metavar="PROJECT", help="a .nnpg project file")
    train.add_argument("--epochs", type=positive_int, default=None, metavar="N",
                       help="train for N epochs (at least 1) instead of the project's setting")
    train.add_argument("--backend", choices=("auto", "numpy", "cupy"), default=None,
                       help="numpy (CPU), cupy (GPU) or auto (the GPU when it works); default: the project's")
    train.add_argument("--out", default=None, metavar="FILE",
                       help="save to FILE instead of overwriting PROJECT (checked writable before training)")
    train.add_argument("--quiet", action="store_true", help="print only the result, no progress")
    info = sub.add_parser("info", help="print the data and the layer table with shapes and parameter counts",
                          description="Print the project's title, its data and the layer table (output "
                                      "shapes, parameters). Exit status 1 when the data cannot be loaded.")
    info.add_argument("project", metavar="PROJECT", help="a .nnpg project file")
    figure = sub.add_parser(
        "figure", help="write a lecture slide of a project (network, plots) as PNG, SVG or PDF",
        description="Draw a 1920×1080 slide of a project without a window: its network and the plots of its "
                    "trained weights and stored history. Labels are at least 18 pt on a 13.333 × 7.5 in slide.")
    figure.add_argument("project", metavar="PROJECT", help="a .nnpg project file (train it first for plots)")
    figure.add_argument("--out", required=True, metavar="FILE", help="FILE.png, FILE.svg or FILE.pdf")
    figure.add_argument("--panels", default=None, metavar="LIST",
                        help="1 to 4 of network,boundary,loss,accuracy,confusion,feature_maps,weights,"
                             "predictions,latent,reconstructions (default: the ones that suit the project)")
    figure.add_argument("--scale", type=int, choices=(1, 2, 3), default=1,
                        help="PNG size: 1 = 1920×1080, 2 = 3840×2160, 3 = 5760×3240 (default 1)")
    figure.add_argument("--dpi", type=float, default=None, metavar="N",
                        help="resolution written into the PNG (default 144 × scale: a 13.333 in slide)")
    figure.add_argument("--style", choices=("cards", "neurons", "blocks"), default=None,
                        help="network drawing: cards (as on the canvas), neurons (dense networks), blocks "
                             "(layer blocks sized by shape, for CNNs); default: the one that suits the network")
    figure.add_argument("--layout", choices=("auto", "row", "column", "grid", "left", "top"), default="auto",
                        help="how the panels share the slide (default auto)")
    figure.add_argument("--title", default=None, help="the slide's title (default: the project's)")
    figure.add_argument("--caption", default="", help="a line under the panels")
    figure.add_argument("--theme", choices=("light", "dark"), default="light",
                        help="dark on light (default) or light on dark")
    return p


def run_command(argv: list[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; returns the exit status (usage errors exit 2 through argparse)."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        args = parser().parse_args(argv)
        if args.command is None:
            parser().print_help(out)
            return 0
        return {"train": cmd_train, "info": cmd_info, "figure": cmd_figure}[args.command](args, out)
    except KeyboardInterrupt:
        print("playground: interrupted (Ctrl-C); files are saved whole or not at all", file=err)
        return 130
    except BrokenPipeError:
        quiet_broken_pipe()
        return 0
    except (ModelError, CompileError, BackendError, CliError, DatasetError) as exc:
        print(f"playground: {exc}", file=err)
        return 2
    except OSError as exc:
        print(f"playground: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""), file=err)
        return 2


def quiet_broken_pipe() -> None:
    """The reader of our output went away (``playground info X | head -1``): stop quietly.

    Standard output is pointed at /dev/null so Python's own flush at exit cannot complain.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
