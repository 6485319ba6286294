import json

import pytest

from playground.model.errors import SettingsError
from playground.model.settings import (OPTIMIZER_ARGS, DatasetRef, HookSettings, OptimizerSettings,
                                       ScheduleSettings, TrainingSettings)


def test_defaults_are_valid_and_round_trip_through_json():
    settings = TrainingSettings()
    settings.validate()
    data = json.loads(json.dumps(settings.to_dict()))
    assert TrainingSettings.from_dict(data) == settings


def test_missing_keys_take_defaults():
    settings = TrainingSettings.from_dict({"batch_size": 8, "optimizer": {"name": "sgd"}})
    assert settings.batch_size == 8 and settings.optimizer.name == "sgd" and settings.epochs == 50


@pytest.mark.parametrize("data, message", [
    ({"optimizer": {"lr": 0}}, "optimizer.lr must be above 0"),
    ({"optimizer": {"lr": "fast"}}, "optimizer.lr must be a number"),
    ({"optimizer": {"name": "lbfgs"}}, "optimizer.name must be one of sgd"),
    ({"optimizer": {"name": "sgd", "nesterov": True}}, "nesterov needs a momentum above 0"),
    ({"batch_size": 0}, "batch_size must be at least 1"),
    ({"batch_size": 3.5}, "batch_size must be a whole number"),
    ({"validation_split": 1.0}, "validation_split must be below 1"),
    ({"backend": "tpu"}, "backend must be one of auto, numpy, cupy"),
    ({"hooks": {"l2": -0.1}}, "hooks.l2 must be at least 0"),
    ({"hooks": {"frozen": "dense_1"}}, "hooks.frozen must be a list of node ids"),
    ({"early_stopping": {"patience": 0}}, "early_stopping.patience must be at least 1"),
    ({"schedule": {"gamma": 2}}, "schedule.gamma must be at most 1"),
    ({"schedule": "cosine"}, "schedule must be a mapping"),
    ({"epochz": 3}, "unknown setting(s) 'epochz'"),
    ({"optimizer": {"momentun": 0.9}}, "optimizer has unknown setting(s) 'momentun'"),
    ([], "settings must be a mapping"),
])
def test_bad_settings_name_the_setting(data, message):
    with pytest.raises(SettingsError) as info:
        TrainingSettings.from_dict(data)
    assert message in str(info.value)


@pytest.mark.parametrize("name", list(OPTIMIZER_ARGS))
def test_optimizer_kwargs_build_the_engine_optimizer(name):
    optimizers = pytest.importorskip("playground.engine.optimizers")
    import numpy as np

    from playground.engine.layer import Parameter

    opt = OptimizerSettings(name=name, lr=0.05, momentum=0.9 if name == "sgd" else 0.0)
    opt.validate()
    kwargs = opt.kwargs()
    assert set(kwargs) <= set(OPTIMIZER_ARGS[name]) and kwargs["lr"] == 0.05
    engine = optimizers.get_optimizer(name, [Parameter("w", np.zeros(3))], **kwargs)
    assert engine.lr == 0.05


def test_eps_is_left_to_the_optimizer_unless_set():
    assert "eps" not in OptimizerSettings(name="adam").kwargs()
    assert OptimizerSettings(name="adam", eps=1e-7).kwargs()["eps"] == 1e-7
    assert "beta1" not in OptimizerSettings(name="sgd").kwargs()


@pytest.mark.parametrize("schedule", [
    ScheduleSettings(),
    ScheduleSettings(name="step", step_size=5, gamma=0.5),
    ScheduleSettings(name="exponential", gamma=0.9),
    ScheduleSettings(name="cosine", unit="iteration"),
    ScheduleSettings(name="cosine", warmup_steps=10),
])
def test_schedule_config_builds_the_engine_schedule(schedule):
    schedules = pytest.importorskip("playground.engine.schedules")
    config = schedule.config(lr=0.1, total_default=100)
    made = schedules.get_schedule(config.pop("name"), **config)
    assert 0 < made(0, 0) <= 0.1


def test_step_schedule_numbers():
    schedules = pytest.importorskip("playground.engine.schedules")
    config = ScheduleSettings(name="step", step_size=2, gamma=0.5).config(lr=0.8)
    made = schedules.get_schedule(config.pop("name"), **config)
    # 0.8·0.5^⌊epoch/2⌋: epochs 0, 1 → 0.8; 2, 3 → 0.4; 4 → 0.2
    assert [made(0, e) for e in range(5)] == [0.8, 0.8, 0.4, 0.4, 0.2]


def test_hook_configs_build_engine_hooks():
    hooks = pytest.importorskip("playground.engine.hooks")
    settings = HookSettings(l1=1e-4, l2=1e-3, clip_norm=1.0, clip_value=0.5, frozen=["dense_1", "dense_1"])
    settings.validate()
    assert settings.frozen == ["dense_1"]  # duplicates dropped
    configs = settings.configs()
    assert [name for name, _ in configs] == ["l1", "l2", "clip_by_norm", "clip_by_value", "freeze"]
    for name, kwargs in configs:
        hooks.get_hook(name, **kwargs)
    assert HookSettings().configs() == []


def test_setting_paths_for_lecturer_locks():
    paths = TrainingSettings.setting_paths()
    assert "optimizer.lr" in paths and "batch_size" in paths and "hooks.frozen" in paths


# -- dataset reference ----------------------------------------------------------------
def test_dataset_ref_round_trip():
    ref = DatasetRef(name="moons", options={"n": 200, "noise": 0.1, "classes": ["a", "b"]})
    ref.validate()
    assert DatasetRef.from_dict(json.loads(json.dumps(ref.to_dict()))) == ref
    path_ref = DatasetRef(path="/home/s/data.csv", options={"target": "y"})
    assert DatasetRef.from_dict(path_ref.to_dict()) == path_ref
    assert path_ref.label == "data.csv"


@pytest.mark.parametrize("data, message", [
    ({"options": {}}, "either a dataset name or a file path"),
    ({"name": "a", "path": "b"}, "either a dataset name or a file path"),
    ({"name": ""}, "non-empty text"),
    ({"name": 3}, "non-empty text"),
    ({"name": "moons", "options": {"n": float("inf")}}, "finite"),
    ({"name": "moons", "options": {"n": {"deep": 1}}}, "must be text, a number"),
    ({"name": "moons", "options": []}, "options must be a mapping"),
    ({"name": "moons", "colour": 1}, "unknown field(s) 'colour'"),
])
def test_bad_dataset_refs(data, message):
    with pytest.raises(SettingsError) as info:
        DatasetRef.from_dict(data)
    assert message in str(info.value)
