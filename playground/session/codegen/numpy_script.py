"""Write a project as a standalone script on our own engine (``playground.engine``, NumPy or CuPy).

Short on purpose: the engine does the work the PyTorch script spells out, so
the script shows the engine's public API — ``Network.add``, the layer classes,
``get_loss``, ``get_optimizer`` with hooks, ``train_step`` — in one screen.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from playground.model.project import Project

from .common import (
    ExportError,
    Plan,
    call_args,
    constants,
    data_function,
    docstring_lines,
    literal,
    make_plan,
    q,
    schedule_config,
    shape_text,
)


def to_numpy(project: Project, epochs: int | None = None) -> str:
    """A runnable script that trains ``project`` with the playground engine, outside the app.

    ``epochs`` overrides the project's number of epochs.
    """
    plan = make_plan(project, epochs)
    imports, build = _network(plan)
    s = plan.settings
    lines = docstring_lines(project, "a script on the playground engine", plan)
    needed = {"playground.engine.backend": ["get_backend"] + (["to_host"] if plan.has_accuracy else []),
              "playground.engine.losses": ["get_loss"], "playground.engine.network": ["Network"],
              "playground.engine.optimizers": ["get_optimizer"], "playground.engine.training": ["train_step"]}
    if plan.has_accuracy:
        needed["playground.engine.metrics"] = ["accuracy"]
    if s.hooks.configs():
        needed["playground.engine.hooks"] = ["get_hook"]
    if schedule_config(plan):
        needed["playground.engine.schedules"] = ["get_schedule"]
    for module, names in imports.items():
        needed.setdefault(module, []).extend(names)
    engine_imports = [f"from {module} import {', '.join(sorted(set(names)))}" for module, names in sorted(needed.items())]
    lines += ["", "import numpy as np", "", "from playground.data import load_dataset, split_dataset",
              *engine_imports, "",
              *constants(plan), f"BACKEND = {q(s.backend)}  # auto: the GPU (CuPy) when it works, else NumPy", "",
              "", *build, "", "", *data_function(plan), "", "", *_evaluate(plan), "", "", *_main(plan), "", "",
              'if __name__ == "__main__":', "    main()", ""]
    return "\n".join(line for line in lines if line is not None)


def _layer_call(plan: Plan, node_id: str) -> tuple[tuple[str, str], str]:
    """``((module, class name), constructor call)`` for one node, arguments at their defaults left out."""
    node = plan.node(node_id)
    spec = node.spec
    if spec.module is None or spec.engine_class is None:  # pragma: no cover - Input/Output are handled apart
        raise ExportError(f"Layer {node_id} ({node.title}) has no engine layer")
    cls_name = spec.engine_class
    kwargs = spec.layer_kwargs(node.params)
    if spec.factory is not None:  # an activation: Activation(kind, **params), defaults left out
        defaults = spec.defaults()
        kept = {k: v for k, v in kwargs.items() if not _same(defaults.get(k), v)}
        args = ", ".join([q(node.kind)] + ([call_args(kept)] if kept else []))
        return (spec.module, cls_name), f"{cls_name}({args})"
    try:
        cls = getattr(importlib.import_module(spec.module), cls_name)
    except (ImportError, AttributeError):
        raise ExportError(f"Layer {node_id} ({node.title}) needs the engine module {spec.module}, "
                          "which is missing") from None
    required, defaults = _signature(cls)
    positional = []
    for name in required:  # required arguments first, by position: Dense(8), Conv2D(16, …)
        if name not in kwargs:
            break
        positional.append(literal(kwargs.pop(name)))
    kept = {k: v for k, v in kwargs.items() if k not in defaults or not _same(defaults[k], v)}
    args = ", ".join(positional + ([call_args(kept)] if kept else []))
    return (spec.module, cls_name), f"{cls_name}({args})"


def _signature(cls) -> tuple[list[str], dict[str, Any]]:
    """The constructor's required argument names (in order) and its defaults."""
    params = [p for name, p in inspect.signature(cls.__init__).parameters.items() if name != "self"]
    required = [p.name for p in params if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return required, {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return list(a) == list(b)
    return type(a) is type(b) and a == b or (isinstance(a, (int, float)) and not isinstance(a, bool)
                                             and isinstance(b, (int, float)) and not isinstance(b, bool)
                                             and a == b)


def _network(plan: Plan) -> tuple[dict[str, list[str]], list[str]]:
    imports: dict[str, list[str]] = {}
    inp = plan.input_id
    lines = ["def build_network(backend):",
             '    """The network of the canvas: one engine layer per node, wired by node id."""',
             "    net = Network()",
             f"    net.add_input({q(inp)}, {literal(plan.shapes[inp])})"]
    for node_id in plan.engine_order:  # the app's order: the same seeds give the same starting weights
        (module, cls_name), call = _layer_call(plan, node_id)
        imports.setdefault(module, []).append(cls_name)
        sources = plan.sources[node_id]
        wired = q(sources[0]) if len(sources) == 1 else literal(sources, tuples=False)
        owner = plan.node(node_id).params.get("share_weights_with")
        if owner:  # the very same weights as the owner's layer (a Siamese pair)
            wired += f", shares_with={q(owner)}"
        lines.append(f"    net.add({q(node_id)}, {call}, {wired})  # → {shape_text(plan.shapes[node_id])}")
    lines += [f"    net.set_output({q(plan.exit_id)})",
              "    return net.build(backend, seed=SEED)  # the seed fixes the starting weights"]
    return imports, lines


def _evaluate(plan: Plan) -> list[str]:
    lines = ["def evaluate(net, loss, x, y):",
             '    """Loss (and accuracy) on held-out data in evaluation mode (no dropout or noise)."""',
             "    output = net.predict(x)",
             "    value = float(loss.forward(output, y) + net.total_penalty())"]
    if plan.has_accuracy:
        lines.append(f"    return value, accuracy(to_host(output), to_host(y), threshold={plan.threshold})")
    else:
        lines.append("    return value")
    return lines


def _main(plan: Plan) -> list[str]:
    s = plan.settings
    name, loss_kwargs = plan.loss_engine
    opt = s.optimizer.kwargs()
    opt.pop("lr")
    opt_args = ", ".join(["net.parameters()", "lr=LEARNING_RATE"] + ([call_args(opt)] if opt else []))
    hooks = [f"get_hook({q(hook)}, {call_args(kw)})" for hook, kw in s.hooks.configs()]
    if hooks:
        opt_args += ", hooks=hooks"
    loss_args = ", ".join([q(name)] + ([call_args(loss_kwargs)] if loss_kwargs else []))
    schedule = schedule_config(plan)
    acc = plan.has_accuracy
    lines = ["def main():",
             "    backend = get_backend(BACKEND)",
             "    x_train, y_train, x_val, y_val = (backend.asarray(a) for a in load_data())"]
    if s.validation_split == 0:
        lines.append("    x_val, y_val = x_train, y_train  # no validation part: report on the training data")
    lines += ["    net = build_network(backend)",
              f"    loss = get_loss({loss_args})"]
    if hooks:
        lines.append(f"    hooks = [{', '.join(hooks)}]  # regularization, clipping, frozen layers")
    lines += [
              f"    optimizer = get_optimizer({q(s.optimizer.name)}, {opt_args})"]
    if schedule is not None:
        config = dict(schedule)
        lines.append(f"    schedule = get_schedule({q(config.pop('name'))}, {call_args(config)})")
    lines += ["    rng = np.random.default_rng(SEED)",
              "    for epoch in range(EPOCHS):",
              "        net.train()",
              "        order = rng.permutation(len(x_train))",
              "        losses = []",
              "        for start in range(0, len(order), BATCH_SIZE):",
              "            batch = order[start:start + BATCH_SIZE]"]
    if schedule is not None:
        lines += ["            optimizer.lr = schedule(len(losses) + epoch * -(-len(order) // BATCH_SIZE), epoch)"]
    lines += ["            losses.append(train_step(net, loss, optimizer, x_train[batch], target=y_train[batch]))"]
    if acc:
        lines += ["        val_loss, val_accuracy = evaluate(net, loss, x_val, y_val)",
                  '        print(f"epoch {epoch + 1:3d}/{EPOCHS}: loss {np.mean(losses):.4f}, "',
                  '              f"validation loss {val_loss:.4f}, validation accuracy {val_accuracy:.3f}")']
    else:
        lines += ["        val_loss = evaluate(net, loss, x_val, y_val)",
                  '        print(f"epoch {epoch + 1:3d}/{EPOCHS}: loss {np.mean(losses):.4f}, "',
                  '              f"validation loss {val_loss:.4f}")']
    lines.append('    print(f"final validation loss: {val_loss:.4f}")')
    if acc:
        lines.append('    print(f"final validation accuracy: {val_accuracy:.4f}")')
    return lines


__all__ = ["to_numpy"]
