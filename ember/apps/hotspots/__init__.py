"""``ember-hotspots``: hotspot (anomaly) detection in SAR image time series with the
Local Outlier Factor, by time (each place against its own history) and by location
(each date, every place against the rest of the scene).

Run ``ember-hotspots --help`` (or ``python -m ember.apps.hotspots``); the stack is split
over image rows, so no process ever holds the whole stack. Modules: :mod:`.cli` (command
line), :mod:`.inputs` (reading the stack, dates and mask), :mod:`.features` (dB,
standardisation, halo exchange, patches), :mod:`.detect` (LOF by time and by location,
flags), :mod:`.outputs` (stacks, ``summary.csv``), :mod:`.figures` (PNGs),
:mod:`.demo` (synthetic stack, truth, scoring), :mod:`.progress` (text progress bar),
:mod:`.workflow` (the phases in order).
"""

from .cli import main

__all__ = ["main"]
