"""Features per (location, date): the ``patch x patch`` pixels (x bands) around each
location, after optional dB scaling and standardisation of every pixel over time.

Standardising each pixel's series over time and then cutting patches is the same as
standardising every feature of every location's patch over time (a patch's features are
the pixels around it), and it needs no communication: time is local to every rank.
The patches near a rank's first and last rows need ``patch // 2`` rows of the
neighbouring ranks (the halo), exchanged once with one Alltoallv; at the image's edges
the image is reflected (NumPy's ``pad(mode="reflect")``).
"""

from __future__ import annotations

import numpy as np
import torch

from ember.comm import Communicator

from .config import HotspotsError

__all__ = ["DB_FLOOR", "to_db", "standardize_over_time", "prepare", "reflect_positions",
           "exchange_halo", "pad_block", "patch_features"]

DB_FLOOR = 1e-10
"""Intensities below this (zero, negative) are clipped to it before taking 10 log10."""


def to_db(values: torch.Tensor) -> torch.Tensor:
    """``10 * log10(max(values, DB_FLOOR))``, elementwise.

    Notes
    -----
    Communication: none.

    Examples
    --------
    >>> to_db(torch.tensor([1.0, 10.0, 0.01])).tolist()
    [0.0, 10.0, -20.0]
    """
    return 10.0 * torch.log10(values.clamp_min(DB_FLOOR))


def standardize_over_time(values: torch.Tensor) -> torch.Tensor:
    """Each pixel's series (axis 0 = time) minus its mean, divided by its standard
    deviation (ddof 0); a constant series is only centred.

    Notes
    -----
    Communication: none (the time axis is local). Statistics in float64.

    Examples
    --------
    >>> standardize_over_time(torch.tensor([[1.0, 5.0], [3.0, 5.0]])).tolist()
    [[-1.0, 0.0], [1.0, 0.0]]
    """
    if values.numel() == 0:  # a rank without rows
        return values.clone()
    wide = values.double()
    mean = wide.mean(0, keepdim=True)
    std = wide.std(0, correction=0, keepdim=True)
    std = torch.where(std > 0, std, torch.ones_like(std))
    return ((wide - mean) / std).to(values.dtype)


def prepare(local: torch.Tensor, valid: torch.Tensor, db: bool, standardize: bool,
            comm: Communicator) -> torch.Tensor:
    """dB and standardisation of this rank's block ``(times, rows, cols, bands)``; pixels
    outside the valid mask are set to 0 (their values never reach a score, but they sit
    in the patches of valid neighbours, which must stay finite).

    Raises
    ------
    HotspotsError
        On every rank, when a valid pixel is not finite after scaling.

    Notes
    -----
    Communication: one 8-byte Allreduce (agreeing on the finiteness check).

    Examples
    --------
    >>> import ember as em
    >>> x = torch.tensor([1.0, 100.0]).reshape(2, 1, 1, 1)
    >>> prepare(x, torch.ones(1, 1, dtype=torch.bool), True, False, em.get_comm()).ravel().tolist()
    [0.0, 20.0]
    """
    values = to_db(local) if db else local.clone()
    if standardize:
        values = standardize_over_time(values)
    inside = valid[None, :, :, None].expand_as(values)
    finite = bool(torch.isfinite(values[inside]).all())
    comm.raise_if_any(None if finite else HotspotsError(
        "the stack holds non-finite values at valid pixels (NaN/inf"
        + (", or a series whose standardisation overflows" if standardize else "")
        + "); mark such pixels invalid with --mask"))
    return values.masked_fill(~inside, 0.0)


def reflect_positions(positions: np.ndarray, n: int) -> np.ndarray:
    """Where each position (possibly outside ``[0, n)``) reads from under NumPy's
    ``pad(mode="reflect")`` (repeated reflection for wide pads).

    Examples
    --------
    >>> reflect_positions(np.arange(-2, 5), 3).tolist()
    [2, 1, 0, 1, 2, 1, 0]
    """
    if n == 1:
        return np.zeros_like(positions)
    period = 2 * (n - 1)
    phase = np.mod(positions, period)
    return np.where(phase < n, phase, period - phase)


def _row_plan(counts: tuple[int, ...], halo: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per rank: the source row of each of its padded rows, and the distinct rows it needs
    from other ranks (sorted). Identical on every rank (from replicated ``counts``)."""
    starts = np.concatenate([[0], np.cumsum(counts)])
    total = int(starts[-1])
    sources, remote = [], []
    for rank, count in enumerate(counts):
        a, b = int(starts[rank]), int(starts[rank + 1])
        rows = (reflect_positions(np.arange(a - halo, b + halo), total) if count
                else np.zeros(0, dtype=np.int64))
        sources.append(rows)
        needed = np.unique(rows)
        remote.append(needed[(needed < a) | (needed >= b)])
    return sources, remote


def exchange_halo(local: torch.Tensor, counts: tuple[int, ...], halo: int,
                  comm: Communicator) -> torch.Tensor:
    """This rank's rows (axis 1 of ``local``) extended by ``halo`` rows on each side: the
    neighbouring ranks' rows, or the reflected image at its first and last row.

    A rank with fewer rows than ``halo`` is no problem: rows may come from any rank.

    Notes
    -----
    Communication: one Alltoallv (when there are several processes) carrying only the halo
    rows: each rank receives at most ``2 * halo`` rows of ``times x cols x bands`` values,
    never the whole stack. Memory: about twice this rank's block.

    Examples
    --------
    >>> import ember as em
    >>> comm = em.get_comm()
    >>> image = torch.arange(4.0).reshape(1, 4, 1, 1)
    >>> exchange_halo(image, (4,), 1, em.get_comm().Split(comm.rank)).ravel().tolist()
    [1.0, 0.0, 1.0, 2.0, 3.0, 2.0]
    """
    if halo == 0:
        return local
    sources, remote = _row_plan(tuple(counts), halo)
    rank, starts = comm.rank, np.concatenate([[0], np.cumsum(counts)])
    a, b = int(starts[rank]), int(starts[rank + 1])
    received = local.narrow(1, 0, 0)
    if comm.size > 1:
        pieces = [rows[(rows >= a) & (rows < b)] - a for rows in remote]
        send = local.index_select(1, torch.from_numpy(np.concatenate(pieces)).long())
        recv_counts = [int(((remote[rank] >= starts[j]) & (remote[rank] < starts[j + 1])).sum())
                       for j in range(comm.size)]
        shape = list(local.shape)
        shape[1] = len(remote[rank])
        received = comm.Alltoallv(send, [len(p) for p in pieces], 1, shape, recv_counts, 1)
    mine = sources[rank]
    own = (mine >= a) & (mine < b)
    index = np.where(own, mine - a, local.shape[1] + np.searchsorted(remote[rank], mine))
    return torch.cat([local, received], 1).index_select(1, torch.from_numpy(index).long())


def pad_block(values: torch.Tensor, counts: tuple[int, ...], patch: int,
              comm: Communicator) -> torch.Tensor:
    """This rank's block ``(times, rows, cols, bands)`` padded by ``patch // 2`` on both
    sides of rows (halo exchange) and columns (local reflection).

    Raises
    ------
    HotspotsError
        ``patch`` is not a positive odd number.

    Notes
    -----
    Communication: that of :func:`exchange_halo` (one Alltoallv of the halo rows).

    Examples
    --------
    >>> import ember as em
    >>> comm = em.get_comm().Split(em.get_comm().rank)
    >>> pad_block(torch.zeros(2, 3, 4, 1), (3,), 3, comm).shape
    torch.Size([2, 5, 6, 1])
    """
    if patch < 1 or patch % 2 == 0:
        raise HotspotsError(f"--patch must be a positive odd number, got {patch}")
    halo = patch // 2
    rows = exchange_halo(values, counts, halo, comm)
    cols = reflect_positions(np.arange(-halo, values.shape[2] + halo), values.shape[2])
    return rows.index_select(2, torch.from_numpy(cols).long())


def patch_features(padded: torch.Tensor, patch: int, first_row: int = 0,
                   stop_row: int | None = None, time: int | None = None) -> torch.Tensor:
    """The features of this rank's locations in rows ``[first_row, stop_row)``: shape
    ``(locations, times, patch * patch * bands)``, or ``(locations, features)`` for one
    ``time``. Locations are row-major (row, then col); features are ordered (patch row,
    patch col, band).

    Notes
    -----
    Communication: none (``padded`` comes from :func:`pad_block`). Memory: the result,
    ``patch**2 * bands`` values per location (and date).

    Examples
    --------
    >>> padded = torch.arange(9.0).reshape(1, 3, 3, 1)   # one 1x1 image padded by 1
    >>> patch_features(padded, 3).tolist()
    [[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]]
    """
    halo = patch // 2
    rows = padded.shape[1] - 2 * halo if stop_row is None else stop_row
    cols = padded.shape[2] - 2 * halo
    n_features = patch * patch * padded.shape[3]
    if rows <= first_row:  # no rows here (a rank may hold none)
        empty = padded.new_zeros(0, n_features)
        return empty if time is not None else empty.reshape(0, padded.shape[0], n_features)
    part = padded.narrow(1, first_row, max(rows - first_row, 0) + 2 * halo)
    if time is not None:
        part = part[time:time + 1]
    windows = part.unfold(1, patch, 1).unfold(2, patch, 1)  # (T, r, c, B, py, px)
    windows = windows.permute(1, 2, 0, 4, 5, 3)              # (r, c, T, py, px, B)
    features = windows.reshape(windows.shape[0] * cols, windows.shape[2], n_features)
    return features[:, 0] if time is not None else features
