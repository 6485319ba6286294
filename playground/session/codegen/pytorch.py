"""Write a project as a standalone PyTorch training script.

The script has the parts a student expects to find: constants with the
hyperparameters, an ``nn.Module`` whose ``__init__`` lists the layers in order
(with their output shapes) and whose ``forward`` follows the graph — skip
connections and concatenations included — the data loaded with the playground
package exactly as the app loads it, the same loss and optimizer, and a plain
training loop that prints the loss per epoch and the final validation results.
"""

from __future__ import annotations

from playground.model.project import Project

from .common import (
    ExportError,
    Plan,
    constants,
    data_function,
    docstring_lines,
    make_plan,
    schedule_config,
    shape_text,
    variables,
    weights_owner,
)
from .torch_layers import HELPER_NEEDS, HELPERS, PENALTY_KINDS, torch_layer

INDENT = "    "


def to_pytorch(project: Project, epochs: int | None = None) -> str:
    """A runnable, readable PyTorch script that trains ``project``'s network on its data.

    ``epochs`` overrides the project's number of epochs (tests use a few).
    Raises :class:`ExportError` naming a layer PyTorch cannot express, or a problem
    that stops the project from training.
    """
    plan = make_plan(project, epochs)
    model, helpers = _model_class(plan)
    lines = docstring_lines(project, "a PyTorch script", plan)
    standard = [name for name, used in (("copy", _early(plan)), ("math", _schedule_needs_math(plan))) if used]
    lines += ["", *(f"import {name}" for name in standard), *([""] if standard else []), "import torch", "from torch import nn", "", "from playground.data import load_dataset, split_dataset",
              "", *constants(plan), *_more_constants(plan),
              'DEVICE = "cuda" if torch.cuda.is_available() else "cpu"', ""]
    for name in _ordered_helpers(helpers):
        lines += HELPERS[name].rstrip("\n").split("\n") + [""]
    lines += ["", *model, "", "", *data_function(plan), "", "", *_loss(plan), "", "", *_evaluate(plan),
              "", "", *_schedule(plan), *_main(plan), "", "", 'if __name__ == "__main__":', "    main()", ""]
    text = "\n".join(line for line in lines if line is not None)
    return _squeeze_blank_lines(text)


# ----------------------------------------------------------------------------
# the model
# ----------------------------------------------------------------------------
def _model_class(plan: Plan) -> tuple[list[str], set[str]]:
    values = variables(plan)
    inp = plan.input_id
    init, forward, helpers, penalties = [], [], set(), []
    for node_id in plan.order:
        node, name = plan.node(node_id), plan.names[node_id]
        layer = torch_layer(plan, node_id)
        helpers.update(layer.helpers)
        shape = shape_text(plan.shapes[node_id])
        owner = weights_owner(plan, node_id)
        if owner != node_id:  # shared weights: call the owner's module, make none of its own
            if owner not in plan.order:
                raise ExportError(f"Layer {node_id} shares the weights of {owner}, which does not feed the "
                                  "Output: connect it, or clear 'Share weights with'")
            layer.note = f"the same module (shared weights) as {node.title} {plan.names[owner]}"
        elif layer.module is not None:
            init += _module_lines(name, layer, f"# {node.title} → {shape}")
        args = [values[s] for s in plan.sources[node_id]]
        call = layer.call.format(*args, self=f"self.{plan.names[owner]}")
        note = "" if layer.module and owner == node_id else f"  # {layer.note or node.title + ' → ' + shape}"
        forward.append(f"{values[node_id]} = {call}{note}")
        if node.kind in PENALTY_KINDS:
            penalties.append(f"self.{name}.penalty")
    title = plan.project.title.replace('"', "'")
    summary = f"{title}: {shape_text(plan.shapes[inp])} per sample in, {shape_text(plan.shapes[plan.exit_id])} out."
    lines = ["class Net(nn.Module):", f'    """{summary}"""', "",
             "    def __init__(self):", "        super().__init__()"]
    lines += [2 * INDENT + line for line in init] or [2 * INDENT + "pass"]
    lines += ["", f"    def forward(self, {values[inp]}):"]
    lines += [2 * INDENT + line for line in forward]
    lines.append(f"        return {values[plan.exit_id]}")
    if penalties:
        lines += ["", "    def penalty(self):",
                  '        """The loss terms the layers added in the last forward pass (sparsity, contractive, KL)."""',
                  f"        return {' + '.join(penalties)}"]
    return lines, helpers


def _module_lines(name: str, layer, comment: str) -> list[str]:
    """``self.name = module  # comment``, broken over lines when it would be long."""
    if layer.note:
        comment += f"; {layer.note}"
    line = f"self.{name} = {layer.module}"
    if len(line) + len(comment) <= 96:
        return [f"{line}  {comment}"]
    if not layer.parts:
        return [comment, line]
    return [comment, f"self.{name} = nn.Sequential(", *(f"    {part}," for part in layer.parts), ")"]


def _ordered_helpers(names: set[str]) -> list[str]:
    needed = set(names)
    for name in names:
        needed.update(HELPER_NEEDS.get(name, ()))
    return [name for name in HELPERS if name in needed]


# ----------------------------------------------------------------------------
# loss, metrics, optimizer
# ----------------------------------------------------------------------------
def _loss(plan: Plan) -> list[str]:
    _, kwargs = plan.loss_engine
    loss = plan.loss
    if loss == "mse" and kwargs.get("form") == "half_sum":
        body = ["def loss_fn(output, target):",
                '    """½ Σ (y − t)² per sample, averaged over the batch (the hand-derivation form)."""',
                "    return 0.5 * ((output - target) ** 2).sum() / len(output)"]
    elif loss == "mse":
        body = ["loss_fn = nn.MSELoss()  # mean of (y − t)² over every value"]
    elif loss == "mae":
        body = ["loss_fn = nn.L1Loss()  # mean of |y − t|"]
    elif loss == "huber":
        body = [f"loss_fn = nn.HuberLoss(delta={kwargs.get('delta', 1.0)!r})"]
    elif loss == "bce":
        body = ["loss_fn = nn.BCELoss()  # binary cross-entropy on the sigmoid's probabilities"]
    elif loss in ("bce_logits", "multilabel_bce"):
        body = ["loss_fn = nn.BCEWithLogitsLoss()  # the sigmoid is built into the loss"]
    elif loss == "softmax_cross_entropy":
        if len(plan.shapes[plan.exit_id]) != 1:
            raise ExportError("Softmax cross-entropy on outputs with more than one axis per sample "
                              "cannot be exported yet")
        body = ["loss_fn = nn.CrossEntropyLoss()  # softmax built in; targets are one-hot rows"]
    elif loss == "categorical_cross_entropy":
        body = ["def loss_fn(output, target):",
                '    """−Σ t·log p over the classes (p from the Softmax layer), averaged over the samples."""',
                "    return -(target * output.clamp(1e-7, 1.0).log()).sum(dim=-1).mean()"]
    elif loss == "mape":
        body = ["def loss_fn(output, target):",
                '    """Mean absolute percentage error, 100 · mean |y − t| / |t|."""',
                "    return 100.0 * ((output - target).abs() / target.abs().clamp_min(1e-7)).mean()"]
    else:  # pragma: no cover - every catalog loss is handled above
        raise ExportError(f"The loss {loss!r} cannot be exported to PyTorch")
    return body + ["", "", *_accuracy(plan)]


def _accuracy(plan: Plan) -> list[str]:
    if plan.task == "binary":
        return ["def accuracy(output, target):",
                f'    """Fraction right: class 1 where the output is above {plan.threshold}."""',
                f"    return ((output > {plan.threshold}).float() == target).float().mean().item()"]
    if plan.task == "multiclass":
        return ["def accuracy(output, target):",
                '    """Fraction right: the class with the largest output against the one-hot target."""',
                "    return (output.argmax(dim=1) == target.argmax(dim=1)).float().mean().item()"]
    return []


def _penalties(plan: Plan) -> bool:
    return any(plan.node(n).kind in PENALTY_KINDS for n in plan.order)


def _evaluate(plan: Plan) -> list[str]:
    extra = " + model.penalty()" if _penalties(plan) else ""
    lines = ["def evaluate(model, x, y):",
             '    """Loss (and accuracy) on held-out data, in evaluation mode (no dropout or noise)."""',
             "    model.eval()", "    with torch.no_grad():", "        output = model(x)",
             f"        loss = loss_fn(output, y){extra}"]
    if plan.has_accuracy:
        lines.append("    return loss.item(), accuracy(output, y)")
    else:
        lines.append("    return loss.item()")
    return lines


def _more_constants(plan: Plan) -> list[str]:
    s = plan.settings
    out = []
    if s.hooks.l1:
        out.append(f"L1 = {s.hooks.l1!r}  # penalty λ·Σ|w| on the weights")
    if s.hooks.l2:
        out.append(f"L2 = {s.hooks.l2!r}  # penalty λ·Σw² on the weights")
    if s.hooks.clip_norm is not None:
        out.append(f"CLIP_NORM = {s.hooks.clip_norm!r}")
    if s.hooks.clip_value is not None:
        out.append(f"CLIP_VALUE = {s.hooks.clip_value!r}")
    if _early(plan):
        e = s.early_stopping
        out += [f"PATIENCE = {e.patience}", f"MIN_DELTA = {e.min_delta!r}"]
    return out


def _early(plan: Plan) -> bool:
    return bool(plan.settings.early_stopping.enabled)


def _optimizer(plan: Plan) -> list[str]:
    o = plan.settings.optimizer
    kw = o.kwargs()
    params = "trainable"
    eps = f", eps={kw['eps']!r}" if "eps" in kw else ""
    if o.name == "sgd":
        extra = (f", momentum={o.momentum!r}" if o.momentum else "") + (", nesterov=True" if o.nesterov else "")
        make = f"torch.optim.SGD({params}, lr=LEARNING_RATE{extra})"
    elif o.name == "adagrad":
        make = f"torch.optim.Adagrad({params}, lr=LEARNING_RATE{eps})"
    elif o.name == "adadelta":
        make = f"torch.optim.Adadelta({params}, lr=LEARNING_RATE, rho={o.rho!r}{eps})"
    elif o.name == "rmsprop":
        make = f"torch.optim.RMSprop({params}, lr=LEARNING_RATE, alpha={o.rho!r}{eps})"
    elif o.name == "adam":
        make = f"torch.optim.Adam({params}, lr=LEARNING_RATE, betas=({o.beta1!r}, {o.beta2!r}){eps})"
    else:  # adamw: the app decays weights only, not biases (nor batch-norm γ, β)
        return [
            "weights = [p for p in trainable if p.dim() > 1]",
            "others = [p for p in trainable if p.dim() <= 1]",
            (f'optimizer = torch.optim.AdamW([{{"params": weights, "weight_decay": {o.weight_decay!r}}}, '
             '{"params": others, "weight_decay": 0.0}],'),
            f"                              lr=LEARNING_RATE, betas=({o.beta1!r}, {o.beta2!r}){eps})"]
    return [f"optimizer = {make}"]


def _schedule(plan: Plan) -> list[str]:
    config = schedule_config(plan)
    if config is None:
        return []
    warmup = None
    if config["name"] == "warmup":
        warmup, config = config["steps"], config["then"]
    n = "epoch" if config.get("unit", "epoch") == "epoch" else "iteration"
    name = config["name"]
    if name == "step":
        body = [f"    lr = LEARNING_RATE * {config['gamma']!r} ** ({n} // {config['step_size']})  # step decay"]
    elif name == "exponential":
        body = [f"    lr = LEARNING_RATE * {config['gamma']!r} ** {n}  # exponential decay"]
    elif name == "cosine":
        total, low = config["total"], config["min_lr"]
        body = [f"    progress = min({n}, {total}) / {total}  # half a cosine over {total} {n}s",
                f"    lr = {low!r} + (LEARNING_RATE - {low!r}) * 0.5 * (1.0 + math.cos(math.pi * progress))"]
    else:
        body = ["    lr = LEARNING_RATE"]
    if warmup:
        body += [f"    if iteration < {warmup}:  # linear warm-up", f"        lr *= (iteration + 1) / {warmup}"]
    return ["def learning_rate(iteration, epoch):",
            '    """The scheduled learning rate (iteration counts batches, epoch passes, both from 0)."""',
            *body, "    return lr", "", ""]


def _schedule_needs_math(plan: Plan) -> bool:
    config = schedule_config(plan)
    if config and config["name"] == "warmup":
        config = config["then"]
    return bool(config) and config["name"] == "cosine"


# ----------------------------------------------------------------------------
# the training loop
# ----------------------------------------------------------------------------
def _main(plan: Plan) -> list[str]:
    s = plan.settings
    hooks = s.hooks
    penalty = " + model.penalty()" if _penalties(plan) else ""
    acc = plan.has_accuracy
    lines = ["def main():",
             "    torch.manual_seed(SEED)",
             "    x_train, y_train, x_val, y_val = (torch.as_tensor(a, dtype=torch.float32, device=DEVICE)",
             "                                      for a in load_data())"]
    if s.validation_split == 0:
        lines.append("    x_val, y_val = x_train, y_train  # no validation part: report on the training data")
    lines.append("    model = Net().to(DEVICE)")
    frozen = list(dict.fromkeys(plan.names[weights_owner(plan, n)] for n in hooks.frozen if n in plan.order))
    for name in frozen:
        lines.append(f"    model.{name}.requires_grad_(False)  # frozen: keeps its starting weights")
    lines.append("    trainable = [p for p in model.parameters() if p.requires_grad]")
    lines += ["    " + line for line in _optimizer(plan)]
    if hooks.l1 or hooks.l2:
        lines.append("    weights = [p for p in trainable if p.dim() > 1]  # the weights: not biases, not γ, β")
    lines += ["    shuffle = torch.Generator().manual_seed(SEED)"]
    if _early(plan):
        lines.append('    best_loss, best_state, bad_epochs = float("inf"), None, 0')
    if schedule_config(plan) is not None:
        lines.append("    iteration = 0")
    lines += ["    for epoch in range(1, EPOCHS + 1):",
              "        model.train()",
              "        order = torch.randperm(len(x_train), generator=shuffle).to(DEVICE)",
              "        total, batches = 0.0, 0",
              "        for start in range(0, len(order), BATCH_SIZE):",
              "            batch = order[start:start + BATCH_SIZE]"]
    if schedule_config(plan) is not None:
        lines += ["            for group in optimizer.param_groups:",
                  "                group[\"lr\"] = learning_rate(iteration, epoch - 1)",
                  "            iteration += 1"]
    lines.append(f"            loss = loss_fn(model(x_train[batch]), y_train[batch]){penalty}")
    objective = "loss"
    if hooks.l1 or hooks.l2:
        terms = []
        if hooks.l1:
            terms.append("L1 * sum(w.abs().sum() for w in weights)")
        if hooks.l2:
            terms.append("L2 * sum((w ** 2).sum() for w in weights)")
        lines.append(f"            objective = loss + {' + '.join(terms)}  # (not in the printed loss)")
        objective = "objective"
    lines += ["            optimizer.zero_grad()", f"            {objective}.backward()"]
    if hooks.clip_value is not None:
        lines.append("            nn.utils.clip_grad_value_(trainable, CLIP_VALUE)")
    if hooks.clip_norm is not None:
        lines.append("            nn.utils.clip_grad_norm_(trainable, CLIP_NORM)")
    lines += ["            optimizer.step()",
              "            total, batches = total + loss.item(), batches + 1"]
    if acc:
        lines += ["        val_loss, val_accuracy = evaluate(model, x_val, y_val)",
                  '        print(f"epoch {epoch:3d}/{EPOCHS}: loss {total / batches:.4f}, "',
                  '              f"validation loss {val_loss:.4f}, validation accuracy {val_accuracy:.3f}")']
    else:
        lines += ["        val_loss = evaluate(model, x_val, y_val)",
                  '        print(f"epoch {epoch:3d}/{EPOCHS}: loss {total / batches:.4f}, "',
                  '              f"validation loss {val_loss:.4f}")']
    if _early(plan):
        restore = plan.settings.early_stopping.restore_best
        lines += ["        if val_loss < best_loss - MIN_DELTA:",
                  "            best_loss, best_state, bad_epochs = val_loss, copy.deepcopy(model.state_dict()), 0",
                  "        else:",
                  "            bad_epochs += 1",
                  "            if bad_epochs >= PATIENCE:",
                  '                print(f"early stopping: no improvement for {PATIENCE} epochs")',
                  "                break"]
        if restore:
            lines += ["    if best_state is not None:  # go back to the best epoch's weights",
                      "        model.load_state_dict(best_state)",
                      "        " + ("val_loss, val_accuracy" if acc else "val_loss") + " = evaluate(model, x_val, y_val)"]
    lines.append('    print(f"final validation loss: {val_loss:.4f}")')
    if acc:
        lines.append('    print(f"final validation accuracy: {val_accuracy:.4f}")')
    return lines


def _squeeze_blank_lines(text: str) -> str:
    """At most two blank lines in a row (PEP 8 between top-level definitions)."""
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text.lstrip("\n")


__all__ = ["ExportError", "to_pytorch"]
