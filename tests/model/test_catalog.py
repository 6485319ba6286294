import importlib

import pytest

from playground.model.catalog import (CATALOG, GROUPS, INITIALIZER_NAMES, LOSSES, build_loss, get_spec,
                                      kinds_in_group, loss_config, palette)
from playground.model.errors import InvalidParamError, UnknownKindError, UnknownParamError
from playground.model.params import ParamSpec

LAYER_KINDS = [k for k, spec in CATALOG.items() if spec.engine_class is not None]


def engine_module_or_skip(spec):
    """Skip entries whose engine module is not written yet (other engineers are on it)."""
    if spec.module is not None:
        pytest.importorskip(spec.module, reason=f"{spec.module} does not exist yet")
    if not spec.available():
        pytest.skip(f"{spec.module} has no {spec.engine_class} yet")


def test_every_group_is_used_and_palette_is_in_group_order():
    assert [g for g, _ in palette()] == list(GROUPS)
    assert kinds_in_group("Merge") == ["add", "concatenate", "abs_difference"]


def test_every_layer_named_in_the_brief_is_in_the_catalog():
    wanted = {"input", "output", "dense", "flatten", "reshape", "permute", "dropout", "batchnorm", "add",
              "concatenate", "conv2d", "depthwise_conv2d", "separable_conv2d", "conv2d_transpose", "upsample2d",
              "max_pool2d", "avg_pool2d", "sum_pool2d", "global_avg_pool2d", "global_max_pool2d",
              "locally_connected2d", "simple_rnn", "lstm", "gru", "gaussian_noise", "masking_noise",
              "sparsity_penalty", "contractive_dense", "sampling", "prelu", "maxout",
              "identity", "binary_step", "bipolar_step", "ramp", "sigmoid", "bipolar_sigmoid", "tanh", "relu",
              "leaky_relu", "elu", "silu", "gelu", "softplus", "softmax"}
    assert wanted <= set(CATALOG)


@pytest.mark.parametrize("kind", list(CATALOG))
def test_entry_is_complete(kind):
    spec = CATALOG[kind]
    assert spec.title and spec.help and spec.group in GROUPS
    defaults = spec.defaults()
    assert spec.validate_params(defaults) == defaults  # defaults pass their own checks
    for p in spec.params:
        assert p.help, f"{kind}.{p.name} has no help text"
    assert len(spec.example) == len(spec.inputs)


@pytest.mark.parametrize("kind", LAYER_KINDS)
def test_factory_builds_engine_layer_and_shape_rule_works(kind):
    spec = CATALOG[kind]
    engine_module_or_skip(spec)
    from playground.engine.layer import Layer

    layer = spec.build(spec.defaults())
    assert isinstance(layer, Layer)
    shape = layer.output_shape(*spec.example)
    assert isinstance(shape, tuple) and all(isinstance(s, int) and s > 0 for s in shape)
    trainable, fixed = layer.count_params(*spec.example)
    assert trainable >= 0 and fixed >= 0
    # each factory returns a fresh layer
    assert spec.build() is not layer


def test_dense_factory_passes_params():
    layer = get_spec("dense").build({"units": 3, "use_bias": False})
    assert layer.output_shape((4,)) == (3,)
    assert layer.count_params((4,)) == (12, 0)  # 4×3 weights, no bias


def test_activation_entries_pass_their_parameters():
    engine_module_or_skip(get_spec("sigmoid"))
    layer = get_spec("sigmoid").build({"steepness": 2.0})
    assert layer.config() == {"kind": "sigmoid", "steepness": 2.0}
    layer = get_spec("leaky_relu").build({"slope": 0.2})
    assert layer.config()["slope"] == 0.2


def test_sparsity_penalty_renames_penalty_to_engine_kind():
    assert get_spec("sparsity_penalty").layer_kwargs({"penalty": "kl"})["kind"] == "kl"


def test_input_ignores_model_only_setting_and_output_builds_nothing():
    layer = get_spec("input").build({"shape": [1, 8, 8], "from_dataset": False})
    assert layer.output_shape() == (1, 8, 8)
    assert get_spec("output").build() is None


def test_ports():
    assert get_spec("input").inputs == () and get_spec("input").max_inputs == 0
    assert get_spec("dense").has_port(0) and not get_spec("dense").has_port(1)
    add = get_spec("add")
    assert add.variable_inputs and add.max_inputs is None and add.min_inputs == 2
    assert add.has_port(5) and add.port_name(5) == "input 6"
    sampling = get_spec("sampling")
    assert sampling.inputs == ("mu", "log_var") and not sampling.has_port(2)
    assert not get_spec("output").has_output


def test_unknown_kind_and_param():
    with pytest.raises(UnknownKindError, match="'conv3d'"):
        get_spec("conv3d")
    with pytest.raises(UnknownParamError, match="its parameters: units, use_bias, init"):
        get_spec("dense").param("filters")


@pytest.mark.parametrize("spec, value, message", [
    (ParamSpec("rate", "float", 0.5, maximum=1.0, exclusive_max=True, minimum=0.0), 1.0, "below 1"),
    (ParamSpec("rate", "float", 0.5, minimum=0.0), float("nan"), "finite"),
    (ParamSpec("rate", "float", 0.5), True, "must be a number"),
    (ParamSpec("n", "int", 1, minimum=1), 2.5, "whole number"),
    (ParamSpec("n", "int", 1, minimum=1), True, "whole number"),
    (ParamSpec("n", "int", 1, minimum=1), 0, "at least 1"),
    (ParamSpec("flag", "bool", True), 1, "true or false"),
    (ParamSpec("mode", "choice", "a", choices=("a", "b")), "c", "one of a, b"),
    (ParamSpec("shape", "shape", (2,), minimum=1), [], "1 to 4 axes"),
    (ParamSpec("shape", "shape", (2,), minimum=1), [2, -1], "at least 1"),
    (ParamSpec("shape", "shape", (2,), minimum=1, allow_minus_one=True), [-1, -1], "only one axis"),
    (ParamSpec("n", "int", 1), None, "a value is needed"),
])
def test_param_checks_refuse_with_plain_messages(spec, value, message):
    with pytest.raises(InvalidParamError, match=message):
        spec.coerce(value)


def test_param_coercion():
    assert ParamSpec("x", "float", 1.0).coerce(2) == 2.0
    assert ParamSpec("n", "int", 1).coerce(3.0) == 3
    assert ParamSpec("s", "shape", (1,), allow_minus_one=True).coerce([-1, 4]) == (-1, 4)
    assert ParamSpec("n", "int", None, optional=True).coerce(None) is None


# -- losses ------------------------------------------------------------------------------
def test_output_loss_choices_are_the_loss_table():
    assert get_spec("output").param("loss").choices == tuple(LOSSES)


def test_loss_config_maps_output_params_to_engine_keywords():
    assert loss_config({"loss": "huber", "huber_delta": 2.0, "mse_form": "mean"}) == ("huber", {"delta": 2.0})
    assert loss_config({"loss": "mse", "huber_delta": 2.0, "mse_form": "half_sum"}) == ("mse", {"form": "half_sum"})
    assert loss_config({"loss": "bce_logits"}) == ("bce", {"from_logits": True})
    with pytest.raises(InvalidParamError):
        loss_config({"loss": "hinge"})


@pytest.mark.parametrize("name", list(LOSSES))
def test_every_loss_builds_in_the_engine(name):
    losses = pytest.importorskip("playground.engine.losses")
    params = get_spec("output").validate_params({"loss": name})
    loss = build_loss(params)
    assert isinstance(loss, losses.LOSSES[LOSSES[name].engine_name])


def test_initializer_names_match_the_engine():
    initializers = importlib.import_module("playground.engine.initializers")
    assert set(INITIALIZER_NAMES) == set(initializers.INITIALIZERS)


def test_activation_names_and_params_match_the_engine():
    activations = pytest.importorskip("playground.engine.activations")
    for kind, spec in CATALOG.items():
        if spec.group == "Activations" and kind not in ("prelu", "maxout"):
            assert kind in activations.ACTIVATIONS
            engine_params = getattr(activations.ACTIVATIONS[kind], "PARAMS", {})
            assert {p.name for p in spec.params} == set(engine_params), kind
            for p in spec.params:
                assert p.default == engine_params[p.name].default, (kind, p.name)


def test_describe_is_plain_data():
    import json

    json.dumps([spec.describe() for spec in CATALOG.values()])
