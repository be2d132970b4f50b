"""NetCDF-4 files (through netCDF4): every rank reads only its hyperslab; writing uses
parallel NetCDF-4 (MPI-IO) when netCDF4 was built with it, otherwise the ranks write
their hyperslabs in turn.

Types: integers, float32/float64 and complex numbers (netCDF4's ``auto_complex``
convention, a compound ``(r, i)``) round-trip; booleans are stored as int8 with the
attribute ``dtype = "bool"`` (the convention xarray reads back as booleans). NetCDF has
no float16 or bfloat16. Values are read as stored: no masking of fill values and no
``scale_factor``/``add_offset`` (netCDF4's default ``set_auto_maskandscale`` is off).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..comm import Communicator
from ..core.dndarray import DNDarray
from .common import (
    Reader,
    Selection,
    atomic_write,
    block_selection,
    check_dataset,
    check_mode,
    check_writable_dtype,
    host_block,
    import_backend,
    in_turns,
    probe,
    read_distributed,
    sanitize_path,
)

__all__ = ["load_netcdf", "save_netcdf"]

DEFAULT_VARIABLE = "data"
_BOOL_ATTRIBUTE = ("dtype", "bool")


def _netcdf4(function: str):
    return import_backend("netCDF4", function)


def mpi_io_available() -> bool:
    """Whether netCDF4 was built with parallel NetCDF-4 (MPI-IO)."""
    return bool(getattr(_netcdf4("ember.save_netcdf"), "__has_parallel4_support__", False))


def _variables(group, prefix: str = "") -> list[str]:
    """Every data variable (not a coordinate variable) of ``group`` and its subgroups."""
    names = [prefix + name for name in group.variables if name not in group.dimensions]
    for name, child in group.groups.items():
        names += _variables(child, f"{prefix}{name}/")
    return names


def _lookup(root, name: str):
    """The variable at ``"group/.../name"``, or None."""
    *groups, leaf = name.strip("/").split("/")
    node = root
    for group in groups:
        node = node.groups.get(group)
        if node is None:
            return None
    return node.variables.get(leaf)


class _NetCDFReader(Reader):
    """An open NetCDF variable (raises FileNotFoundError, PermissionError, KeyError,
    OSError)."""

    def __init__(self, path: str, variable: str | None) -> None:
        netCDF4 = _netcdf4("ember.load_netcdf")
        probe(path)
        try:
            self.file = netCDF4.Dataset(path, "r", auto_complex=True)
        except OSError as error:
            raise OSError(f"cannot read {path!r} as a NetCDF file: {error}") from error
        try:
            self.file.set_auto_maskandscale(False)
            self.variable = self._find(path, variable)
        except BaseException:
            self.file.close()
            raise
        self.where = f"variable {self.variable.name!r} of {path!r}"
        self.shape = tuple(self.variable.shape)
        self.stored = np.dtype(self.variable.dtype)
        self.is_bool = _BOOL_ATTRIBUTE[0] in self.variable.ncattrs() and \
            self.variable.getncattr(_BOOL_ATTRIBUTE[0]) == _BOOL_ATTRIBUTE[1]
        self.dtype = np.dtype(bool) if self.is_bool else self.stored

    def _find(self, path: str, variable: str | None):
        names = _variables(self.file)
        if variable is None:
            if len(names) != 1:
                raise KeyError(f"{path!r} holds {len(names)} variables "
                               f"({', '.join(names[:10]) or 'none'}); pass dataset=")
            variable = names[0]
        found = _lookup(self.file, variable)
        if found is None:
            raise KeyError(f"{path!r} has no variable {variable!r} (it holds: "
                           f"{', '.join(names[:10]) or 'none'})")
        return found

    def read(self, selection: Selection) -> np.ndarray:
        try:
            return np.asarray(self.variable[selection] if selection else self.variable[...])
        except (OSError, RuntimeError) as error:
            raise OSError(f"cannot read {self.where}: {error}") from error

    def to_ember(self, block: np.ndarray) -> np.ndarray:
        return block != 0 if self.is_bool else block

    def close(self) -> None:
        self.file.close()


def load_netcdf(path: str | os.PathLike, dataset: str | None = None, split: int | None = 0,
                dtype: Any = None, device: Any = None, comm: Communicator | None = None,
                slices: Any = None) -> DNDarray:
    """Load a NetCDF variable, each rank reading only its block.

    Parameters
    ----------
    path : str or os.PathLike
        The NetCDF file (NetCDF-4/HDF5 or classic).
    dataset : str, optional
        The variable's name (``"group/name"`` inside groups); may be left out when the file
        holds exactly one data variable (coordinate variables, named after a dimension,
        do not count).
    split, dtype, device, comm, slices
        As for :func:`ember.load_hdf5`: the axis of the result cut into blocks (None:
        replicated), a dtype to convert to (default: the variable's own), where the blocks
        go, the communicator, and a hyperslab to read (ints and slices with positive steps).

    Returns
    -------
    DNDarray
        The values as stored (no masking, no scaling); int8 variables with the attribute
        ``dtype = "bool"`` come back as booleans.

    Raises
    ------
    FileNotFoundError, PermissionError, KeyError, OSError, ValueError
        Missing or unreadable file, missing variable, not a NetCDF file, bad ``split``:
        on every rank, naming the path.

    Notes
    -----
    Communication: two 8-byte Allreduces (agreeing on failure); the data are not
    communicated: every rank opens the file and reads only its hyperslab.

    Examples
    --------
    >>> import os, shutil, tempfile
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "model.nc")
    >>> em.save_netcdf(em.arange(6, split=0).reshape(2, 3), path, "t", dims=("time", "x"))
    >>> em.load_netcdf(path, "t", split=0, slices=1).tolist()
    [3, 4, 5]
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    path = sanitize_path(path, "ember.load_netcdf")
    dataset = check_dataset(dataset, "ember.load_netcdf")
    return read_distributed(lambda: _NetCDFReader(path, dataset), split, dtype, device, comm,
                            slices)


def save_netcdf(x: DNDarray, path: str | os.PathLike, dataset: str | None = None,
                mode: str = "w", dims: Sequence[str] | None = None,
                attrs: Mapping[str, Any] | None = None, compression: str | None = None,
                complevel: int = 4, chunksizes: Sequence[int] | None = None,
                format: str = "NETCDF4") -> None:
    """Save ``x`` as a NetCDF variable, each rank writing only its block.

    The file is the one netCDF4 would write from the whole array.

    Parameters
    ----------
    x : DNDarray
        Any split; integers, float32/float64, complex (written with netCDF4's
        ``auto_complex`` convention) or booleans (int8 with the attribute ``dtype = "bool"``).
    path : str or os.PathLike
        The NetCDF file.
    dataset : str, optional
        The variable's name (``"group/name"``: groups are created); default ``"data"``.
    mode : {"w", "a"}
        ``"w"``: a new file replaces any old one. ``"a"``: add the variable to the file
        (made if missing), keeping everything else; ValueError if it exists.
    dims : sequence of str, optional
        The dimension names, one per axis; default ``"<name>_dim_<i>"``. Existing
        dimensions are reused when their lengths agree (ValueError otherwise).
    attrs : mapping, optional
        Variable attributes (``units``, ``long_name``, ...).
    compression, complevel, chunksizes
        As for ``netCDF4.Dataset.createVariable`` (e.g. ``compression="zlib"``).
    format : str
        The NetCDF file format (``"NETCDF4"``, ``"NETCDF4_CLASSIC"``, ...).

    Raises
    ------
    TypeError
        ``x`` is not a DNDarray, or its dtype is float16/bfloat16.
    ValueError
        Bad ``mode`` or ``dims``, the variable exists with ``mode="a"``, or a dimension
        exists with another length.
    OSError
        The file cannot be written (on every rank, naming the path).

    Notes
    -----
    Communication: the data are not communicated. With parallel NetCDF-4 every rank
    writes its hyperslab at once (without filters: those need collective writes);
    otherwise the ranks write in turn (rank order, a one-byte token). A split=None array
    is written by rank 0 alone. Safety as for :func:`ember.save_hdf5`: a temporary file
    in the same directory (a copy of the old one with ``mode="a"``), renamed onto
    ``path`` when every rank succeeded.

    Examples
    --------
    >>> import os, shutil, tempfile, netCDF4
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> folder = comm.bcast_object(tempfile.mkdtemp() if comm.rank == 0 else None)
    >>> path = os.path.join(folder, "out.nc")
    >>> em.save_netcdf(em.arange(4.0, split=0), path, "h", dims=("x",),
    ...                attrs={"units": "m"})
    >>> with netCDF4.Dataset(path) as f:
    ...     f["h"][:].tolist(), f["h"].units, f["h"].dimensions
    ([0.0, 1.0, 2.0, 3.0], 'm', ('x',))
    >>> comm.Barrier()
    >>> if comm.rank == 0: shutil.rmtree(folder)
    """
    function = "ember.save_netcdf"
    if not isinstance(x, DNDarray):
        raise TypeError(f"{function} expects a DNDarray, got {type(x).__name__}")
    path = sanitize_path(path, function)
    name = (check_dataset(dataset, function) or DEFAULT_VARIABLE).strip("/")
    mode = check_mode(mode, function)
    check_writable_dtype(x, function, unsupported=("float16",))
    leaf = name.rsplit("/", 1)[-1]
    dims = tuple(f"{leaf}_dim_{axis}" for axis in range(x.ndim)) if dims is None \
        else tuple(dims)
    if len(dims) != x.ndim or not all(isinstance(d, str) and d for d in dims):
        raise ValueError(f"{function}: dims must be {x.ndim} non-empty names, got {dims!r}")
    netCDF4 = _netcdf4(function)
    options = {"compression": compression, "complevel": complevel, "chunksizes": chunksizes}
    spec = _Variable(name, dims, dict(attrs or {}), options, format)

    def absent() -> None:
        if mode == "a" and os.path.exists(path):
            with netCDF4.Dataset(path, "r") as f:
                if _lookup(f, name) is not None:
                    raise ValueError(f"{function}: {path!r} already has {name!r}; "
                                     "mode='a' never replaces a variable")

    with atomic_write(x.comm, path, copy_existing=mode == "a", prepare=absent) as temp:
        if mpi_io_available() and x.comm.is_distributed and compression is None:
            _write_parallel(netCDF4, x, temp, spec)
        else:
            in_turns(x.comm, lambda: _write_my_part(netCDF4, x, temp, spec))


class _Variable:
    """What to create: name, dimensions, attributes, createVariable options, format."""

    def __init__(self, name: str, dims: tuple[str, ...], attrs: dict, options: dict,
                 format: str) -> None:
        self.name, self.dims, self.attrs, self.options, self.format = (
            name, dims, attrs, options, format)

    def create(self, f, x: DNDarray):
        *groups, leaf = self.name.split("/")
        node = f
        for group in groups:
            node = node.groups[group] if group in node.groups else node.createGroup(group)
        for dim, extent in zip(self.dims, x.shape, strict=True):
            if dim not in node.dimensions:
                node.createDimension(dim, extent)
            elif len(node.dimensions[dim]) != extent:
                raise ValueError(f"dimension {dim!r} exists with length "
                                 f"{len(node.dimensions[dim])}, not {extent}; pass dims=")
        stored = np.int8 if x.dtype.name == "bool" else x.dtype.numpy
        variable = node.createVariable(leaf, stored, self.dims, **self.options)
        attrs = {**self.attrs, **({"dtype": "bool"} if x.dtype.name == "bool" else {})}
        if attrs:
            variable.setncatts(attrs)
        return variable


def _open(netCDF4, temp: str, spec: _Variable, **parallel):
    """The temporary file: the copy of an old file to add to, or a new one."""
    mode = "a" if os.path.getsize(temp) else "w"
    return netCDF4.Dataset(temp, mode, format=spec.format, auto_complex=True, **parallel)


def _block(x: DNDarray) -> np.ndarray:
    block = host_block(x)
    return block.astype(np.int8) if block.dtype == np.bool_ else block


def _selection(x: DNDarray) -> Selection:
    full = tuple(slice(0, extent, 1) for extent in x.shape)
    return block_selection(full, x.split, x.counts, x.comm.rank)


def _store(variable, x: DNDarray) -> None:
    if x.ndim == 0:
        variable.assignValue(_block(x))
    else:
        variable[_selection(x)] = _block(x)


def _write_my_part(netCDF4, x: DNDarray, temp: str, spec: _Variable) -> None:
    """Serial NetCDF: rank 0 makes the variable; every rank then writes its block."""
    rank = x.comm.rank
    if rank > 0 and (x.split is None or x.larray.numel() == 0):
        return
    with _open(netCDF4, temp, spec) if rank == 0 else \
            netCDF4.Dataset(temp, "a", auto_complex=True) as f:
        variable = spec.create(f, x) if rank == 0 else _lookup(f, spec.name)
        if x.larray.numel():
            _store(variable, x)


def _write_parallel(netCDF4, x: DNDarray, temp: str, spec: _Variable) -> None:
    """Parallel NetCDF-4: every rank opens the file, defines the variable (collective)
    and writes its block (independent I/O)."""
    with _open(netCDF4, temp, spec, parallel=True, comm=x.comm.handle) as f:
        variable = spec.create(f, x)
        if (x.split is not None or x.comm.rank == 0) and x.larray.numel():
            _store(variable, x)
