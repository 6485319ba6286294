import json

import numpy as np
import pytest

from playground.data import GROUPS, DatasetError, Option, dataset_info, list_datasets, load_dataset

# small sizes so every generator runs fast
SMALL = {"n": 60}


def _generated():
    return [i.name for i in list_datasets() if i.group != "Your files"]


def test_every_group_has_datasets_and_listing_is_plain_data():
    infos = list_datasets()
    assert {i.group for i in infos} == set(GROUPS)
    text = json.dumps([i.to_dict() for i in infos])
    assert '"name": "noise"' in text and '"help"' in text
    assert [i.group for i in infos] == sorted((i.group for i in infos), key=GROUPS.index)


def test_option_description_has_name_type_default_range_help():
    opt = dataset_info("spiral").option("noise")
    assert opt.to_dict() == {
        "name": "noise", "label": "Noise", "type": "float", "default": 0.0, "range": [0.0, 1.0],
        "choices": [], "help": "how much the points are jittered (0 = clean)",
    }


@pytest.mark.parametrize("name", _generated())
def test_each_generated_dataset_loads_and_repeats_with_its_seed(name):
    info = dataset_info(name)
    options = {k: v for k, v in SMALL.items() if k in info.defaults()}
    a = load_dataset(name, **options)
    b = load_dataset(name, **options)
    assert len(a) == options.get("n", len(a))
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.x.dtype == np.float32
    assert info.task == a.task
    if "seed" in info.defaults():
        c = load_dataset(name, **options, seed=1)
        assert not np.array_equal(a.x, c.x)


def test_options_are_checked_and_converted():
    info = dataset_info("circle")
    assert info.resolve({"n": "50", "noise": 0}) == {"n": 50, "noise": 0.0, "seed": 0, "features": ()}
    assert info.resolve({"features": "x^2"})["features"] == ("x²",)
    assert info.resolve({"features": ["sin(x)", "XY"]})["features"] == ("sin x", "xy")


@pytest.mark.parametrize(
    "options, message",
    [
        ({"n": 5}, "option 'n' of dataset 'circle' must lie between 10 and 20000, got 5"),
        ({"n": 2.5}, "must be a whole number"),
        ({"noise": "lots"}, "must be a number"),
        ({"radius": 3}, "has no option 'radius'; its options are n, noise, seed, features"),
        ({"features": ["x²", "cos x"]}, "unknown 'cos x'; choose from x², y², xy, sin x, sin y"),
    ],
)
def test_bad_options_name_the_problem(options, message):
    with pytest.raises(DatasetError, match=message.replace("(", r"\(")):
        load_dataset("circle", **options)


def test_choice_and_bool_options():
    opt = Option("mode", "choice", "a", choices=("a", "b"))
    with pytest.raises(DatasetError, match="one of a, b"):
        opt.check("c")
    flag = Option("flag", "bool", False)
    assert flag.check(True) is True
    with pytest.raises(DatasetError, match="true or false"):
        flag.check("yes")


def test_unknown_dataset_lists_the_available_ones():
    with pytest.raises(DatasetError, match="unknown dataset 'mnist'; available: .*circle"):
        load_dataset("mnist")


@pytest.mark.parametrize(
    "name, what", [("csv", "CSV file"), ("npz", ".npz file"), ("idx", "IDX images file"), ("image_folder", "image folder")]
)
def test_file_datasets_without_a_path_say_so(name, what):
    with pytest.raises(DatasetError, match=f"no {what} chosen yet"):
        load_dataset(name)


def test_painted_points_load_without_any_window():
    from playground.data import load_dataset

    data = load_dataset("painted", points="-1,1,0;1,1,1;0,-2,2", classes=3)
    assert data.task == "multiclass" and data.y.tolist() == [0, 1, 2] and data.x.shape == (3, 2)
