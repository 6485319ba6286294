"""The data loaders under a mutation fuzzer (scripts/fuzz_data_loaders.py): every mutated CSV, NPZ,
IDX and image file loads or raises DatasetError with a plain message, each within 3 s.

CI runs a few hundred seeded cases; ``PLAYGROUND_FUZZ_CASES=5000`` runs more.
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = int(os.environ.get("PLAYGROUND_FUZZ_CASES", "300"))


@pytest.fixture(scope="module")
def fuzzer():
    spec = importlib.util.spec_from_file_location("fuzz_data_loaders", ROOT / "scripts" / "fuzz_data_loaders.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", [1, 2])
def test_mutated_data_files_load_or_give_one_plain_error(fuzzer, seed, tmp_path):
    outcome = fuzzer.fuzz(CASES // 2, seed=seed, max_seconds=3.0, folder=tmp_path)
    assert outcome.cases == CASES // 2
    assert outcome.escapes == [], "\n".join(outcome.escapes[:5])
    assert outcome.slow == []
    assert outcome.refused > outcome.cases // 4  # the mutations do reach the checks
    assert outcome.loaded > 0  # and some mutated files are still fine


def test_every_seed_file_loads(fuzzer, tmp_path):
    for i, (kind, suffix, data) in enumerate(fuzzer.seeds()):
        path = tmp_path / f"seed{i}{suffix}"
        path.write_bytes(data)
        fuzzer.load(kind, path, fuzzer.random.Random(0) if kind not in ("csv", "npz") else _Fixed())


class _Fixed:
    """A stand-in for random.Random that always picks the first choice (task "auto")."""

    def choice(self, options):
        return options[0]
