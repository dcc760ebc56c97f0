"""Code that arrives from elsewhere and is run: downloads and decoded text run as code.

The ``pipes_remote_to_shell`` flag and the ``obfuscated`` flag of decoded text; loaded by
:mod:`gatepost.analysis.flags` when a downloader, or a decoder that decodes, appears.
"""

from __future__ import annotations

from gatepost.action import SimpleCommand
from gatepost.analysis.programs import (
    DOWNLOADERS,
    interpreter_family,
    reads_code_from_stdin,
    runs_inline_code,
)

_SUBSTITUTED = ("substitution", "process-substitution")


def _ancestors(k: int, cmds: tuple[SimpleCommand, ...]) -> list[int]:
    """The commands whose words hold command ``k``'s output: up through substitutions."""
    out: list[int] = []
    c = cmds[k]
    while c.context in _SUBSTITUTED and 0 <= c.parent < len(cmds) and len(out) < 16:
        out.append(c.parent)
        c = cmds[c.parent]
    return out


def _code_runner(c: SimpleCommand) -> bool:
    """A command that runs code it receives from a substitution."""
    if "$" in c.program or "`" in c.program:
        return True  # sh -c "$(...)", eval "$(...)", "$(...)" as the program
    if c.program in ("source", "."):
        return bool(c.argv) and c.argv[0].startswith(("<(", "$(", "`"))
    if runs_inline_code(c.program, c.argv):
        return True
    operands = [a for a in c.argv if not a.startswith("-")]
    return bool(operands) and operands[0].startswith("<(") and _interpreter(c.program)


def _interpreter(prog: str) -> bool:
    return bool(interpreter_family(prog))


def remote_to_shell(cmds: tuple[SimpleCommand, ...]) -> bool:
    """Downloaded content is run: piped into an interpreter, substituted into code a command
    runs, or written to a file a later command executes."""
    downloads = [k for k, c in enumerate(cmds) if c.program in DOWNLOADERS]
    if not downloads:
        return False
    for k in downloads:
        d = cmds[k]
        if _pipes_into_interpreter(d, cmds):
            return True
        if any(_code_runner(cmds[a]) for a in _ancestors(k, cmds)):
            return True
        written = {p.path for p in d.paths if p.access == "write"}
        if written:
            for later in cmds[k + 1 :]:
                if any(p.access == "exec" and p.path in written for p in later.paths):
                    return True
    return False


def runs_output(i: int, c: SimpleCommand, cmds: tuple[SimpleCommand, ...]) -> bool:
    """What command ``i`` (``c``) outputs is run as code: piped into an interpreter or
    substituted into a command that runs code."""
    if _pipes_into_interpreter(c, cmds):
        return True
    return any(_code_runner(cmds[a]) for a in _ancestors(i, cmds))


def _pipes_into_interpreter(c: SimpleCommand, cmds: tuple[SimpleCommand, ...]) -> bool:
    """A later stage of the same pipeline runs what it reads on stdin as code."""
    return bool(c.pipeline) and any(
        later.pipeline == c.pipeline
        and later.stage > c.stage
        and reads_code_from_stdin(later.program, later.argv)
        for later in cmds
    )
