"""What a piece of text looks like: a word, an identifier, a placeholder, random characters.

Shared by the detectors: a secret is random-looking text in a secret's place, and the same
place often holds a name, a reference or a stand-in instead, which must stay.
"""

from __future__ import annotations

import math
import re
from collections import Counter

_PIECES = re.compile(r"[A-Z][a-z]+|[a-z]+|[A-Z]+|[0-9]+")
_HEX = re.compile(r"[0-9a-fA-F\-]{1,1000}")
_SPLIT = re.compile(r"[_\-./+]")
_SSH_PUBLIC = ("AAAAB3NzaC1", "AAAAC3NzaC1", "AAAAE2VjZHNh")  # ssh-rsa, ssh-ed25519, ecdsa


_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def is_placeholder(value: str) -> bool:
    """A reference or a stand-in rather than a literal secret: $VAR, ${...}, {{ }}, <...>, ***."""
    if not value:
        return True
    c = value[0]
    if c == "%" and _PERCENT_ESCAPE.match(value):
        c = "_"  # percent-encoded text, not a %VAR% or %s
    if c in "$%{<" or "${" in value or "{{" in value or "$(" in value:
        return True
    return len(set(value)) <= 1  # "****", "xxxxxxxx", "........"


def shannon(value: str) -> float:
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def wordy(part: str) -> bool:
    """An identifier-like piece: short, one word, or few pieces (PKCS12PrivateKeyTypes, v18).

    Random text switches between upper case, lower case and digits every two characters or so;
    identifiers switch every three and a half or more.
    """
    if len(part) <= 4:
        return True
    if not (part.isascii() and part.isalnum()):
        return False
    letters = part.rstrip("0123456789")
    if letters.isalpha() and (letters.islower() or letters.isupper()):
        return True  # PERL6, ed25519, IDENTIFIER
    return len(part) >= 3.5 * len(_PIECES.findall(part))


def _hex(part: str) -> bool:
    return len(part) >= 8 and _HEX.fullmatch(part) is not None


def random_looking(token: str) -> bool:
    n = len(token)
    if n < 20 or _HEX.fullmatch(token) or token.startswith(_SSH_PUBLIC):
        return False
    classes = (
        any(c.islower() for c in token)
        + any(c.isupper() for c in token)
        + any(c.isdigit() for c in token)
    )
    if classes < 2:
        return False
    random_part = sum(len(p) for p in _SPLIT.split(token) if not wordy(p) and not _hex(p))
    if random_part < 16:
        return False  # words, with a short suffix or a hex id: MyDatabaseSecret-a1b2c3
    return shannon(token) >= 3.0
