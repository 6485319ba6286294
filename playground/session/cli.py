"""Headless command line: ``playground train PROJECT`` and ``playground info PROJECT``.

Runs the same :class:`Trainer` the window runs in its training process.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from playground.engine.backend import BackendError
from playground.model.errors import ModelError
from playground.model.fileio import load_project, save_project

from .compile import CompileError, build_run, load_data, store_results, summarize
from .history import MetricHistory

BAR_WIDTH = 30


def progress_line(report, started: float) -> str:
    """``[######----] 40% epoch 4/10  loss 0.231  val 0.245  acc 0.93  12.3 s``"""
    done = report.iteration / max(1, report.iterations_total)
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
    project = load_project(args.project)
    try:
        dataset = load_data(project) if project.dataset else None
    except CompileError:
        dataset = None
    print(f"{project.title}: {project.description}".rstrip(": "), file=out)
    if dataset is not None:
        print(f"Data: {dataset.describe()}", file=out)
    print(format_table(summarize(project, dataset)), file=out)
    return 0


def cmd_train(args, out: TextIO) -> int:
    project = load_project(args.project)
    run = build_run(project, backend=args.backend, epochs=args.epochs)
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
    if last is not None:
        print(summary_line(last), file=out)
    store_results(project, run, history.to_dict())
    target = Path(args.out or args.project)
    save_project(project, target)
    print(f"Saved weights and history to {target}", file=out)
    return 0 if last is not None and "NaN" not in last.message and "infinite" not in last.message else 1


def summary_line(report) -> str:
    parts = [f"final train loss {report.train_loss:.4g}"]
    if report.val_loss is not None:
        parts.append(f"validation loss {report.val_loss:.4g}")
    for name, value in report.val_metrics.items():
        parts.append(f"validation {name} {value:.2%}")
    return "Result: " + ", ".join(parts)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="playground", description="Network Playground")
    sub = p.add_subparsers(dest="command")
    train = sub.add_parser("train", help="train a project without a window")
    train.add_argument("project")
    train.add_argument("--epochs", type=int, default=None, help="override the project's epochs")
    train.add_argument("--backend", choices=("auto", "numpy", "cupy"), default=None)
    train.add_argument("--out", default=None, help="save to this file instead of the project")
    train.add_argument("--quiet", action="store_true")
    info = sub.add_parser("info", help="print the layer table with shapes and parameter counts")
    info.add_argument("project")
    return p


def run_command(argv: list[str], out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    args = parser().parse_args(argv)
    try:
        return {"train": cmd_train, "info": cmd_info}[args.command](args, out)
    except (ModelError, CompileError, BackendError, OSError) as exc:
        print(f"playground: {exc}", file=err)
        return 2
