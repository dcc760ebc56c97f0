"""Per-evaluation facts derived once from an enriched Action and shared by every matcher."""

from __future__ import annotations

from gatepost.action import Action, SimpleCommand

_DISPLAY_CAP = 160


class CommandFacts:
    """One sub-command with its options split out and its positional words listed."""

    __slots__ = ("cmd", "display", "options", "positionals")

    def __init__(self, cmd: SimpleCommand) -> None:
        self.cmd = cmd
        options: set[str] = set()
        positionals: list[str] = []
        end_of_options = False
        for token in cmd.argv:
            if end_of_options or len(token) < 2 or token[0] != "-":
                positionals.append(token)
            elif token == "--":
                end_of_options = True
            elif token[1] == "-":
                options.add(token.split("=", 1)[0])
            else:
                name = token.split("=", 1)[0]
                options.add(name)
                letters = name[1:]
                if letters.isalpha() and len(letters) > 1:  # -rf is -r -f
                    options.update("-" + c for c in letters)
        self.options = frozenset(options)
        self.positionals = tuple(positionals)
        text = " ".join((cmd.program, *cmd.argv))
        self.display = text if len(text) <= _DISPLAY_CAP else text[: _DISPLAY_CAP - 1] + "…"


class Facts:
    __slots__ = ("action", "commands", "flags", "programs")

    def __init__(self, action: Action) -> None:
        self.action = action
        info = action.operation.command
        self.commands = tuple(CommandFacts(c) for c in info.commands) if info else ()
        self.programs = frozenset(c.cmd.program for c in self.commands)
        self.flags = frozenset(action.flags)
