"""The facts about the machine that enrichment needs, loaded once and passed in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Environment:
    """The folders path classification needs: home, GATEPOST_HOME, repository, temp, and the
    resources gatepost protects."""

    home: str  # the user's home directory, absolute
    gatepost_home: str  # GATEPOST_HOME, absolute
    repo_root: str = ""  # the repository work tree the agent acts in, when known
    temp_dirs: tuple[str, ...] = ("/tmp", "/var/tmp", "/dev/shm")
    # what gatepost protects from the agent (gatepost.protected), each folder with its contents
    protected: tuple[str, ...] = ()
