"""Per-evaluation facts derived once from an enriched Action and shared by every matcher."""

from __future__ import annotations

from gatepost.action import Action, SimpleCommand

_DISPLAY_CAP = 160


class CommandFacts:
    """One sub-command with its options split out and its positional words listed."""

    __slots__ = ("cmd", "display", "lead", "options", "positionals")

    def __init__(self, cmd: SimpleCommand) -> None:
        self.cmd = cmd
        options: set[str] = set()
        positionals: list[str] = []
        lead = 0  # leading positionals that may be values of the options just before them
        leading = True
        end_of_options = False
        after_option = False  # the previous token was an option that may take a value
        for token in cmd.argv:
            if end_of_options or len(token) < 2 or token[0] != "-":
                if leading and after_option:
                    lead += 1
                else:
                    leading = False
                positionals.append(token)
                after_option = False
                continue
            after_option = "=" not in token and token != "--"
            if token == "--":
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
        self.lead = lead
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
