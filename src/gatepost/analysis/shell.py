"""Shell command analysis (DESIGN §2): every simple command a command line would execute.

``parse_command`` parses with tree-sitter-bash (plain word lists skip it), walks the tree
(:mod:`gatepost.analysis.walk`), and returns one SimpleCommand per executed program: pipeline
stages, lists, subshells and groups, compound-statement bodies, function bodies, command and
process substitutions, heredoc bodies fed to a shell, and the inner commands of wrappers
(``sudo``, ``env``, ``bash -c``, ``eval``, ``xargs``, ``find -exec``...). Every cost is
bounded: input size, shell syntax handed to the parser (see :mod:`gatepost.analysis.scan`),
tree depth, wrapper nesting, command count. The scan and the walk are loaded with the parser,
for the first text that is not a plain word list.
"""

from __future__ import annotations

import os
import sys
from _thread import allocate_lock
from typing import Any

from gatepost.action import CommandInfo
from gatepost.analysis.context import Environment
from gatepost.analysis.emit import MAX_WORDS, Ctx, State, emit
from gatepost.analysis.programs import RESERVED
from gatepost.analysis.words import is_assignment, literal

MAX_INPUT = 64 * 1024  # characters analysed; beyond, truncated=True

# Text of only these characters is a plain word list (see plain(): not a regex, whose compiling
# would cost every cold hook ~0.1 ms)
_SAFE = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=:@,+% -"
_ASCII_LETTER = bytes(range(128)) + b"a" * 128  # translate table: bytes 0x80-0xff -> "a"

_parser: Any = None
_parser_lock = allocate_lock()  # one parser, created lazily; a parser is not thread-safe


def _get_parser() -> Any:
    global _parser
    if _parser is None:
        import tree_sitter

        _parser = tree_sitter.Parser(tree_sitter.Language(_bash_language()))
    return _parser


def _bash_language() -> Any:
    """The bash grammar, from tree-sitter-bash's compiled ``_binding`` alone when possible.

    The package's ``__init__`` imports importlib.resources (and with it tempfile, shutil,
    random...) only to offer query files we never read: ~10 ms of a cold hook.
    """
    binding = sys.modules.get("tree_sitter_bash") or _load_binding()
    language = getattr(binding, "language", None)
    if language is None:  # an unexpected package layout: the ordinary import
        import tree_sitter_bash

        language = tree_sitter_bash.language
    return language()


def _load_binding() -> Any:
    """``tree_sitter_bash._binding`` loaded from its file, without running the package's
    ``__init__`` (finding a top-level name only locates it); None if not found."""
    import importlib.machinery

    name = "tree_sitter_bash._binding"
    try:
        spec = importlib.machinery.PathFinder.find_spec("tree_sitter_bash")
        for folder in (spec and spec.submodule_search_locations) or ():
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                path = os.path.join(folder, "_binding" + suffix)
                if not os.path.isfile(path):
                    continue
                loader = importlib.machinery.ExtensionFileLoader(name, path)
                binding = loader.create_module(
                    importlib.machinery.ModuleSpec(name, loader, origin=path)
                )
                loader.exec_module(binding)
                return binding
    except (ImportError, OSError, ValueError):
        pass
    return None


def _parse_tree(data: bytes) -> Any:
    with _parser_lock:
        return _get_parser().parse(data)


def parse_command(raw: str, cwd: str, env: Environment) -> CommandInfo:
    """Every simple command ``raw`` would execute, unwrapped, with its paths and URLs."""
    st = State(env, cwd, parse_text)
    text = raw
    if len(text) > MAX_INPUT:
        text = text[:MAX_INPUT]
        st.truncated = True
    if "\\\n" in text and "<<" not in text:
        text = text.replace("\\\n", "")  # line continuations, also inside words
    parse_text(st, text, Ctx())
    return CommandInfo(
        raw=raw,
        cwd=cwd,
        commands=tuple(st.commands),
        parse_errors=st.errors,
        truncated=st.truncated,
        heredocs=tuple(st.heredocs),
    )


def parse_text(st: State, text: str, ctx: Ctx) -> None:
    """Add the commands of one piece of shell text to ``st`` (wrappers' text comes back here)."""
    if not text or text.isspace():
        return
    if plain(text):
        tokens = text.split()
        if tokens[0] not in RESERVED:
            _simple_words(st, tokens, ctx)
            return
    from gatepost.analysis.scan import measure
    from gatepost.analysis.walk import walk

    cut, used = measure(text, st.budget)
    st.budget = max(0, st.budget - used)
    if cut < len(text):
        text = text[:cut]
        st.truncated = True
    # a final newline: without one, tree-sitter-bash takes ~50 µs longer on 3+ stage pipelines
    data = (text + "\n").encode("utf-8", "replace")
    saved = st.src
    if text.isascii():
        st.src = None  # node texts are read from the tree
    else:
        # tree-sitter-bash's scanner passes characters to isalpha()/isdigit(), which read out
        # of bounds (and can crash) above 255: it sees ASCII letters in their place, and node
        # texts are read from the original bytes (same offsets)
        st.src = data
        data = data.translate(_ASCII_LETTER)
    tree = _parse_tree(data)
    root = tree.root_node
    if root.has_error:
        st.errors = True
    walk(st, root, ctx, st.level + 1 if ctx.nesting else 0)
    st.src = saved


def plain(text: str) -> bool:
    """Only ASCII letters, digits and ``_./=:@,+% -``: a list of words the shell takes as
    written (what ``re.fullmatch(r"[A-Za-z0-9_./=:@,+% -]*", text)`` says)."""
    return text.isascii() and not text.encode().translate(None, _SAFE)


def _simple_words(st: State, tokens: list[str], ctx: Ctx) -> None:
    i = 0
    while i < len(tokens) and is_assignment(tokens[i]):
        i += 1
    if i < len(tokens):
        words = [literal(t) for t in tokens[i : i + MAX_WORDS]]
        if len(tokens) - i > MAX_WORDS:
            st.truncated = True
        emit(st, words, tuple(tokens[:i]), [], ctx)
