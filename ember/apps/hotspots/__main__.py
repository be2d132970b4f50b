"""``python -m ember.apps.hotspots``: the ``ember-hotspots`` command line."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
