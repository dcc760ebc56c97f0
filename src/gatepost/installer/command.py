"""The hook command install writes: ``gatepost hook AGENT``, wrapped so that it fails closed.

Every supported agent blocks a pre-tool action when its hook exits 2 (see
/work/shared/reference/agent-hooks.md §1), but most read any other failure — exit 127 for a
missing executable, exit 1 for a Python traceback — as a non-blocking error and let the
action through. gatepost itself only ever answers with exit 0 or 2, so the wrapper passes
those answers through byte for byte and turns every other ending (not found, cannot execute,
crashed, killed) into exit 2 with a message on stderr. It is one POSIX ``sh`` line, because
agents run hook commands with ``sh -c`` (Windows keeps the plain command).

Pure: the text only.
"""

from __future__ import annotations

import shlex

FAILURE = "gatepost could not start"  # the wrapper's message starts with this
_MESSAGE = FAILURE + " (exit $s); the action is blocked until a person repairs it (gatepost doctor)"


def hook_command(executable: str, agent: str, *, fail_closed: bool = True) -> str:
    """The command running ``executable hook agent``; with ``fail_closed``, wrapped so that
    gatepost failing to start blocks instead of passing."""
    plain = f"{shlex.quote(executable)} hook {agent}"
    if not fail_closed:
        return plain
    # o: gatepost's stdout followed by "/<exit status>" (so trailing newlines survive the
    # command substitution); s: the status; o: the output alone.
    return (
        f'o=$({plain}; echo "/$?"); s=${{o##*/}}; o=${{o%/*}}; '
        f'case $s in 0|2) printf %s "$o"; exit "$s";; esac; '
        f'echo "{_MESSAGE}" >&2; exit 2'
    )
