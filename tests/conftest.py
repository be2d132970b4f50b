"""Fixtures shared by the whole suite. Every test runs on every rank (SPMD)."""

import sys
from pathlib import Path

import numpy as np
import pytest

import ember as em

# The oracle helpers in tests/core (_oracle_checks: LocalCheck, count_collectives) serve
# every test folder.
sys.path.insert(0, str(Path(__file__).resolve().parent / "core"))


@pytest.fixture
def comm():
    """The world communicator."""
    return em.get_comm()


@pytest.fixture
def rng():
    """A NumPy generator with the same seed on every rank (so oracles agree)."""
    return np.random.default_rng(20261123)


@pytest.fixture(autouse=True)
def _restore_defaults():
    """Tests may change ember's defaults; put them back afterwards."""
    dtype, device = em.get_default_dtype(), em.get_device()
    yield
    em.set_default_dtype(dtype)
    em.use_device(device)
    em.use_comm(None)
