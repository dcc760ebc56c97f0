from __future__ import annotations

import uuid

from gatepost.ids import new_id


def test_new_id_is_a_random_version_4_uuid_in_canonical_text() -> None:
    ids = [new_id() for _ in range(1000)]
    parsed = [uuid.UUID(i) for i in ids]
    assert [str(u) for u in parsed] == ids  # canonical lower-case 8-4-4-4-12 text
    assert {(u.version, u.variant) for u in parsed} == {(4, uuid.RFC_4122)}
    assert len(set(ids)) == 1000
