"""Suite-wide settings: hooks run by tests never start a resident process on their own
(the tests that exercise that start and stop it themselves)."""

from __future__ import annotations

import os

os.environ["GATEPOST_DAEMON_AUTOSTART"] = "0"

from hypothesis import settings

# Speed is measured by benchmarks/, never by tests: no per-example deadline, which fails at
# random on a loaded machine (scripts/test runs the suite on three interpreters at once).
settings.register_profile("gatepost", deadline=None)
settings.load_profile("gatepost")
