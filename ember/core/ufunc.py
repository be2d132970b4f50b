"""The one elementwise mechanism: a :class:`Ufunc` is declared once (name, torch kernel,
type rule, docstring) and serves as the function, the operator and its in-place form.

A call does, in order:

1. operands: DNDarrays stay; NumPy arrays, lists and tensors become replicated data
   (strong dtypes); Python scalars stay weak (NEP 50);
2. types: NumPy 2's promotion of the operands, then the ufunc's rule (for example
   "floating results": the smallest float type holding an integer input, as NumPy's
   loops), ``dtype=`` and the ``casting`` check of inputs and of ``out``;
3. distribution: :func:`~ember.core.alignment.align` (broadcasting any mix of splits;
   ``out`` leads when given);
4. the torch kernel on the local blocks; ``where=`` keeps ``out``'s old values (zeros
   without ``out``) where it is False.

Communication: that of the alignment, none when the operands share their distribution.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..comm import get_comm
from . import dtypes
from .alignment import align
from .dndarray import DNDarray

__all__ = ["Ufunc", "UFuncTypeError", "TypeRule", "same", "floating", "boolean", "real_of"]


class UFuncTypeError(TypeError):
    """A ufunc was called with dtypes it does not support, or a forbidden cast."""


# --------------------------------------------------------------------------------------
# type rules: (common input dtype, ufunc name, the strong operands' dtypes)
#             -> (compute dtype, result dtype)
# --------------------------------------------------------------------------------------
TypeRule = Callable[[dtypes.dtype, str, tuple], tuple[dtypes.dtype, dtypes.dtype]]


def _check_kind(dt: dtypes.dtype, kinds: str, name: str) -> None:
    if dt.kind not in kinds:
        raise UFuncTypeError(f"ufunc '{name}' not supported for the input types "
                             f"(dtype {dt.name})")


def same(kinds: str = "buifc", bools_to: dtypes.dtype | None = None) -> TypeRule:
    """Results in the common dtype of the inputs (add, maximum, ...); booleans go to
    ``bools_to`` when given (NumPy's loop choice for ufuncs without a boolean loop, such
    as floor_divide: int8)."""

    def rule(dt, name, strong=()):
        if bools_to is not None and dt.kind == "b":
            dt = bools_to
        _check_kind(dt, kinds, name)
        return dt, dt

    return rule


def floating(kinds: str = "buifc", integers_to: dtypes.dtype | None = None) -> TypeRule:
    """Floating results: integers and booleans go to the smallest float type holding them
    (NumPy's loop choice: int8 -> float16, int16 -> float32, int32/int64 -> float64),
    or to ``integers_to`` (true_divide: float64, as NumPy)."""

    def rule(dt, name, strong=()):
        _check_kind(dt, kinds, name)
        if dt.kind in "bui":
            # each integer operand goes to its own smallest float first: NumPy's loop for
            # int8 with uint8 is float16, not the float of their common type int16
            floats = [dtypes.promote_types(d, dtypes.float16) for d in strong] or [
                dtypes.promote_types(dt, dtypes.float16)]
            dt = integers_to or dtypes.result_type(*floats)
        return dt, dt

    return rule


def boolean(kinds: str = "buifc") -> TypeRule:
    """Boolean results (comparisons, logical functions, isnan, ...)."""

    def rule(dt, name, strong=()):
        _check_kind(dt, kinds, name)
        return dt, dtypes.bool_

    return rule


def real_of(kinds: str = "buifc") -> TypeRule:
    """Results in the common dtype, with complex inputs giving their real counterpart
    (absolute, real, imag, angle of complex numbers)."""
    complex_to_real = {dtypes.complex64: dtypes.float32, dtypes.complex128: dtypes.float64}

    def rule(dt, name, strong=()):
        _check_kind(dt, kinds, name)
        return dt, complex_to_real.get(dt, dt)

    return rule


# --------------------------------------------------------------------------------------
# operands
# --------------------------------------------------------------------------------------
def _is_weak(value: Any) -> bool:
    return isinstance(value, (bool, int, float, complex)) and not isinstance(value, np.generic)


def _strong_dtype(operand: Any) -> dtypes.dtype:
    return dtypes.from_torch(operand.larray.dtype if isinstance(operand, DNDarray)
                             else operand.dtype)


def _prepared(args: tuple[Any, ...], comm) -> list[Any]:
    """DNDarrays and weak scalars as they are; anything else as a replicated tensor."""
    from .creation import array

    prepared = []
    for arg in args:
        if isinstance(arg, DNDarray) or _is_weak(arg):
            prepared.append(arg)
        else:
            prepared.append(array(arg, copy=None, comm=comm).larray)
    return prepared


def _common_dtype(operands: list[Any]) -> dtypes.dtype:
    return dtypes.result_type(*[arg if _is_weak(arg) else _strong_dtype(arg)
                                for arg in operands])


def _precise_compute(operands: list[Any], compute: dtypes.dtype) -> dtypes.dtype:
    """float64 instead of ember's default float when a weak Python float meets only
    integers (NumPy's choice): the values then compare exactly, whatever the result."""
    strong = [_strong_dtype(arg) for arg in operands if not _is_weak(arg)]
    meets_float = any(isinstance(arg, float) for arg in operands if _is_weak(arg))
    if meets_float and strong and all(dt.kind in "bui" for dt in strong):
        return dtypes.float64 if compute.kind == "f" else dtypes.complex128
    return compute


def _check_python_ints(operands: list[Any], compute: dtypes.dtype) -> None:
    """NumPy 2's OverflowError for a Python int out of the integer compute type's range."""
    if compute.kind not in "iu":
        return
    info = dtypes.iinfo(compute)
    for arg in operands:
        if _is_weak(arg) and isinstance(arg, int) and not isinstance(arg, bool):
            if not info.min <= arg <= info.max:
                raise OverflowError(f"Python integer {arg} out of bounds for {compute.name}")


def _local(block: Any, compute: torch.dtype, device: torch.device) -> Any:
    """A block as a tensor of the compute dtype (weak scalars as 0-d tensors)."""
    if isinstance(block, torch.Tensor):
        return block.to(device=device, dtype=compute)
    return torch.tensor(block, dtype=compute, device=device)


class Ufunc:
    """An elementwise function of ``nin`` arrays, NumPy-style.

    Parameters
    ----------
    name : str
        The NumPy name.
    nin : int
        Number of array inputs.
    kernel : callable
        ``kernel(*tensors) -> tensor`` on local blocks of the compute dtype.
    rule : TypeRule
        How input dtypes map to the compute and result dtypes.
    doc : str
        The docstring (should give the NumPy equivalent, an example and the
        communication note).
    check : callable, optional
        ``check(*tensors) -> Exception | None`` on the local input blocks, for errors
        that depend on the data (integers to negative powers); the ranks agree on it
        with one small Allreduce, so every rank raises the same error.
    """

    def __init__(self, name: str, nin: int, kernel: Callable[..., torch.Tensor],
                 rule: TypeRule, doc: str,
                 check: Callable[..., Exception | None] | None = None) -> None:
        self.__name__ = self.name = name
        self.nin = nin
        self.kernel = kernel
        self.rule = rule
        self.check = check
        self.__doc__ = doc

    def __repr__(self) -> str:
        return f"<ember ufunc '{self.name}'>"

    def __call__(self, *args: Any, out: DNDarray | tuple | None = None, where: Any = True,
                 dtype: Any = None, casting: str = "same_kind") -> DNDarray:
        if len(args) != self.nin:
            raise TypeError(f"{self.name}() takes {self.nin} positional argument(s) but "
                            f"{len(args)} were given")
        out = self._sanitize_out(out)
        comm = next((a.comm for a in (*args, out) if isinstance(a, DNDarray)), get_comm())
        operands = _prepared(args, comm)
        compute, result = self._resolve(operands, dtype, casting)
        if out is not None and not dtypes.can_cast(result, out.dtype, casting):
            raise UFuncTypeError(f"Cannot cast ufunc '{self.name}' output from {result.name} "
                                 f"to {out.dtype.name} with casting rule '{casting}'")
        masked = not (isinstance(where, bool) and where)
        extra = [where] if masked else []
        if masked and not isinstance(where, DNDarray):
            extra = _prepared((where,), comm)
        leading = [out] if out is not None else []
        aligned = align([*leading, *operands, *extra], comm)
        if out is not None and aligned.shape != out.shape:
            raise ValueError(f"non-broadcastable output operand with shape {out.shape} "
                             f"doesn't match the broadcast shape {aligned.shape}")
        blocks = aligned.blocks[len(leading):len(leading) + self.nin]
        device = (out.larray.device if out is not None else
                  next((b.device for b in blocks if isinstance(b, torch.Tensor)),
                       torch.device("cpu")))
        inputs = [_local(b, compute.torch, device) for b in blocks]
        if self.check is not None:
            comm.raise_if_any(self.check(*inputs))
        local = self.kernel(*inputs)
        stored = out.larray.dtype if out is not None else result.torch
        local = local.to(stored).expand(aligned.local_shape)
        if masked:
            keep = aligned.blocks[0] if out is not None else torch.zeros((), dtype=stored)
            mask = aligned.blocks[-1].to(device=device, dtype=torch.bool)
            local = torch.where(mask, local, keep.to(device=device, dtype=stored))
        if out is None:
            return aligned.wrap(local.contiguous())
        return self._write(out, aligned, local)

    def _resolve(self, operands: list[Any], dtype: Any, casting: str
                 ) -> tuple[dtypes.dtype, dtypes.dtype]:
        common = _common_dtype(operands)
        if dtype is not None:
            wanted = dtypes.dtype(dtype)
            for arg in operands:
                if not _is_weak(arg) and not dtypes.can_cast(_strong_dtype(arg), wanted, casting):
                    raise UFuncTypeError(
                        f"Cannot cast ufunc '{self.name}' input from "
                        f"{_strong_dtype(arg).name} to {wanted.name} with casting rule "
                        f"'{casting}'")
            common = wanted
        strong = () if dtype is not None else tuple(
            _strong_dtype(arg) for arg in operands if not _is_weak(arg))
        compute, result = self.rule(common, self.name, strong)
        if dtype is not None and result.kind != "b" and result != common:
            raise UFuncTypeError(f"ufunc '{self.name}' did not contain a loop with signature "
                                 f"matching types (dtype={common.name})")
        if result.kind == "b" and compute.kind in "fc":
            compute = _precise_compute(operands, compute)
        _check_python_ints(operands, compute)
        return compute, result

    @staticmethod
    def _sanitize_out(out: Any) -> DNDarray | None:
        if isinstance(out, tuple):
            if len(out) != 1:
                raise ValueError(f"out must be a tuple of one array, got {len(out)}")
            out = out[0]
        if out is not None and not isinstance(out, DNDarray):
            raise TypeError(f"out must be a DNDarray, got {type(out).__name__}")
        return out

    @staticmethod
    def _write(out: DNDarray, aligned, local: torch.Tensor) -> DNDarray:
        """Store the result block into ``out``, redistributing when layouts differ."""
        result = aligned.wrap(local.to(out.larray.dtype).contiguous())
        if (result.split, result.counts) != (out.split, out.counts):
            result = result.resplit(out.split)
            if out.split is not None and result.counts != out.counts:
                result = result.redistribute(out.counts)
        out.larray.copy_(result.larray)
        return out

