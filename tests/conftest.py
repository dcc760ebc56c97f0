"""Suite-wide settings: hooks run by tests never start a resident process on their own
(the tests that exercise that start and stop it themselves)."""

from __future__ import annotations

import os

os.environ["GATEPOST_DAEMON_AUTOSTART"] = "0"
