"""gatepost.digest gives hashlib's SHA-256 digests."""

from __future__ import annotations

import hashlib

import pytest

from gatepost.digest import sha256


@pytest.mark.parametrize("data", [b"", b"abc", bytes(range(256)) * 1000])
def test_the_digest_is_hashlibs(data: bytes) -> None:
    h = sha256(data[:7])
    h.update(data[7:])
    assert (h.hexdigest(), sha256(data).digest()) == (
        hashlib.sha256(data).hexdigest(),
        hashlib.sha256(data).digest(),
    )
