"""Ember's benchmarks: timings against NumPy and scaling over MPI processes.

Run ``python benchmarks/run.py``; see ``benchmarks/README.md``. The definitions live in
:mod:`benchmarks.cases`, the SPMD timing in :mod:`benchmarks.harness`.
"""
