"""High-entropy strings, and passwords in prose, right after a credential word.

"here is my key X", "the token: X", "Secret access key   X": a random-looking string of 20 or
more characters that starts within a few words after ``key``, ``secret``, ``token``,
``password`` or ``credential``. Random-looking means: at least two of lower case, upper case
and digits, Shannon entropy of 3 bits per character or more, not a hex string (commit SHAs,
digests, UUIDs), not made of words (``getUserAccessTokenForService2``), not a path. Elsewhere
high-entropy strings are left alone: base64 image data, lock-file hashes and integrity fields
are ordinary text. After a password word, a shorter string (8 or more) with three classes of
characters is taken too ("the password is Tr0ub4dor&3").
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from gatepost.evidence.detectors import Hit, KeywordHit
from gatepost.evidence.names import excluded_name
from gatepost.evidence.shape import is_placeholder, random_looking, wordy

_WINDOW = 48  # characters after the context word in which the secret must start
_MAX_TOKENS = 6  # tokens examined after a context word
_CONTEXT_WORDS = frozenset(
    {
        "key", "keys", "secret", "secrets", "token", "tokens", "password", "passwords",
        "passwd", "passphrase", "pwd", "credential", "credentials", "apikey", "apikeys",
    }
)  # fmt: skip
_PASSWORD_WORDS = frozenset({"password", "passwords", "passwd", "passphrase", "pwd"})
_STEMS = frozenset({"key", "secret", "token", "pass", "pwd", "credential"})

_WORD_LOWER = re.compile(r"[a-z]{0,20}+")
_WORD_UPPER = re.compile(r"[A-Z]{0,20}+")
_TOKEN = re.compile(r"[A-Za-z0-9+/_\-]{1,1000}+={0,3}+")
_PW_TOKEN = re.compile(r"[^\s\"'`]{1,128}+")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]{1,100}")
_NON_ALNUM_CHARS = re.compile(r"[^A-Za-z0-9]")
_IDENT_PUNCT = frozenset("._|:-")
_LEFT_PUNCT = "([{<:=\"'"
_RIGHT_PUNCT = ".,;:?)]}>\"'"
_CODE_CHARS = frozenset("/=()[]{}$`\\")
_IDENT = frozenset(string.ascii_letters + string.digits + "_-.")
_CONNECTORS = frozenset({"is", "was", "are", ":", "=", "-", "is:", "for", "of", "the", "my", "to"})


def _strong_password(token: str) -> bool:
    if len(token) < 8 or is_placeholder(token) or any(c in _CODE_CHARS for c in token):
        return False
    if set(_NON_ALNUM_CHARS.findall(token)) <= _IDENT_PUNCT:
        parts = _NON_ALNUM.split(token)
        if all(wordy(p) for p in parts) and ("_" in token or sum(1 for p in parts if p) >= 2):
            return False  # pq.PQchangePassword, _PasswordType, str|bytes: a reference, a type
    classes = (
        any(c.islower() for c in token)
        + any(c.isupper() for c in token)
        + any(c.isdigit() for c in token)
        + any(not c.isalnum() for c in token)
    )
    return classes >= 3


def _identifier_around(text: str, start: int, end: int) -> str:
    i, limit = start, max(0, start - 48)
    while i > limit and text[i - 1] in _IDENT:
        i -= 1
    j, limit = end, min(len(text), end + 48)
    while j < limit and text[j] in _IDENT:
        j += 1
    return text[i:j]


def _public_before(text: str, pos: int) -> bool:
    before = text[max(0, pos - 8) : pos].lower()
    return "public" in before or "pub" in before[-4:]


def _excluded(text: str, pos: int, end: int) -> bool:
    """nextToken, token_type, PublicKey, "public key": not a secret's context."""
    return excluded_name(_identifier_around(text, pos, end)) or _public_before(text, pos)


def _context_word(text: str, pos: int, stem: str) -> int:
    """End of the context word that starts at ``pos``, or -1 when it is not one."""
    if pos and text[pos - 1].isalpha():
        camel = text[pos - 1].islower() and text[pos].isupper()
        if not camel and not (stem == "key" and text[pos - 3 : pos].lower() == "api"):
            return -1
    rest = (_WORD_UPPER if text[pos + 1].isupper() else _WORD_LOWER).match(text, pos + 1)
    assert rest is not None
    after = text[rest.end() : rest.end() + 1]
    if after.isalnum() or after == "_":
        return -1  # PasswordChar, secret_name: part of a longer identifier
    word = text[pos : rest.end()].lower()
    if stem == "key" and text[pos - 3 : pos].lower() == "api":
        word = "api" + word
    return rest.end() if word in _CONTEXT_WORDS else -1


def find_context_secrets(text: str, hits: list[KeywordHit]) -> Iterable[Hit]:
    """The first random-looking token (or strong password) within a few words of a context word.

    At most ``_MAX_TOKENS`` tokens starting within ``_WINDOW`` characters on the same line are
    examined per context word; a marker ends the search.
    """
    n = len(text)
    for pos, stem in hits:
        if stem not in _STEMS or pos + len(stem) >= n:
            continue
        end = _context_word(text, pos, stem)
        if end < 0:
            continue
        limit = min(n, end + _WINDOW)
        for newline in ("\n", "\\n"):  # a line break, or one escaped in JSON text
            eol = text.find(newline, end, limit)
            limit = limit if eol < 0 else eol
        password = text[pos:end].lower() in _PASSWORD_WORDS
        token = _PW_TOKEN if password else _TOKEN
        p = end
        for _ in range(_MAX_TOKENS):
            t = token.search(text, p, limit + 1)  # a token starting in the window ...
            if t is None:
                break
            t = token.match(text, t.start())  # ... and all of it
            assert t is not None
            p = t.end()
            value = t.group()
            if text.startswith("[REDACTED:", t.start() - 1) or value.startswith("[REDACTED:"):
                break  # a marker: what follows the context word is already gone
            if password:
                if value.lower() in _CONNECTORS:
                    continue
                if value[0] in ".,;!?":
                    break  # "a one-time password." ends a sentence
                body = value.lstrip(_LEFT_PUNCT)
                s = t.start() + len(value) - len(body)
                body = body.rstrip(_RIGHT_PUNCT)
                if _strong_password(body) and not _excluded(text, pos, end):
                    yield (s, s + len(body), "password-in-text", pos, s + len(body))
                break
            if random_looking(value) and not _excluded(text, pos, end):
                yield (t.start(), t.end(), "high-entropy", pos, t.end())
                break
