"""Devices: names, defaults, errors; GPU cases run only where a GPU exists."""

import pytest
import torch

import ember as em
from ember.core.devices import sanitize_device

needs_gpu = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here")


@pytest.mark.parametrize("name", ["cpu", "CPU", " cpu ", torch.device("cpu"), em.cpu, None])
def test_cpu_names(name):
    assert sanitize_device(name) is em.cpu


def test_device_equality_and_str():
    assert em.cpu == "cpu" and em.cpu == torch.device("cpu")
    assert em.cpu != "nonsense" and em.cpu != 3
    assert str(em.cpu) == "cpu" and repr(em.cpu) == "device('cpu')"
    assert hash(em.cpu) == hash(sanitize_device("cpu"))


@pytest.mark.parametrize("bad", ["tpu", "cpu:1", "cuda:x", "gpu:-1"])
def test_unknown_device_strings_raise_value_error(bad):
    with pytest.raises(ValueError):
        sanitize_device(bad)


@pytest.mark.parametrize("bad", [3, 1.5, object()])
def test_non_device_types_raise_type_error(bad):
    with pytest.raises(TypeError):
        sanitize_device(bad)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU error")
def test_gpu_without_gpu_raises_value_error():
    assert not em.gpu_available()
    with pytest.raises(ValueError, match="no CUDA GPU"):
        em.zeros(3, device="gpu")


def test_default_device_can_be_set_and_reset():
    em.use_device("cpu")
    assert em.get_device() is em.cpu
    assert em.zeros(2).device == em.cpu
    em.use_device(None)
    assert em.get_device() is em.cpu


@needs_gpu
@pytest.mark.parametrize("split", [None, 0, 1])
def test_gpu_arrays_round_trip(split):
    import numpy as np

    data = np.arange(35, dtype=np.float32).reshape(7, 5)
    x = em.array(data, split=split, device="gpu")
    assert x.device.type == "gpu" and x.larray.is_cuda
    em.testing.assert_array_equal(x, data)
    em.testing.assert_array_equal(x.resplit(1 if split == 0 else 0), data)
    assert x.cpu().device == em.cpu
