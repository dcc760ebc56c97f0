"""What a change of a policy file is said to be: the pure core of gatepost.policy.changes."""

from __future__ import annotations

from gatepost.action import Actor, User, Verdict
from gatepost.policy.changes import (
    Change,
    Seen,
    action_of,
    decision_of,
    detect,
    parts_of,
    summarize,
)

PACK = {
    "pack": {"id": "local", "version": "1"},
    "rules": [{"id": "no-make", "verdict": "block"}, {"id": "no-cmake", "verdict": "ask"}],
}


def _pack(**rules: str) -> dict[str, str] | None:
    doc = {"pack": PACK["pack"], "rules": [{"id": k, "verdict": v} for k, v in rules.items()]}
    return parts_of("pack", doc)


def test_parts_name_rules_assignments_settings_and_sections() -> None:
    pack = parts_of("pack", PACK)
    assignments = parts_of("assignments", {"assignments": [{"id": "fs", "pack": "filesystem"}]})
    config = parts_of("config", {"fail_mode": "open", "store": "postgresql://u:secret@h/db"})

    assert pack is not None and assignments is not None and config is not None
    assert (sorted(pack), sorted(assignments), sorted(config)) == (
        ["rule no-cmake", "rule no-make", "section pack"],
        ["assignment fs"],
        ["setting fail_mode", "setting store"],
    )
    assert "secret" not in repr(config)  # values are digests, never the text
    assert parts_of("pack", ["not", "a", "mapping"]) is None
    # a list without ids is one section, not named parts
    assert sorted(parts_of("pack", {"rules": ["x"]}) or {}) == ["section rules"]


def test_summarize_names_what_was_added_removed_and_changed() -> None:
    old = Seen("pack", "a", _pack(**{"no-make": "block", "no-cmake": "ask"}))
    new = Seen("pack", "b", _pack(**{"no-make": "ask", "no-ninja": "block"}))

    assert (
        summarize(old, new) == "added: rule no-ninja; removed: rule no-cmake; changed: rule no-make"
    )
    assert summarize(old, Seen("pack", "c", old.parts)) == (
        "changed in layout only (comments, spacing, order)"
    )
    assert summarize(old, Seen("pack", "d", None)) == "changed; it does not parse"
    assert summarize(Seen("pack", "d", None), old) == (
        "changed; it parses again: rule no-cmake, rule no-make, section pack"
    )


def test_detect_gives_one_change_per_file_added_removed_or_changed() -> None:
    seen = {
        "/h/config.yaml": Seen("config", "c1", {"setting fail_mode": "x"}, (1, 2)),
        "/h/assignments.yaml": Seen("assignments", "a1", {"assignment fs": "x"}),
        "/h/packs/old.yaml": Seen("pack", "p1", {}),
    }
    now = {
        "/h/config.yaml": Seen("config", "c1", {"setting fail_mode": "x"}, (3, 4)),  # touched
        "/h/assignments.yaml": Seen("assignments", "a2", {"assignment fs": "y"}),
        "/h/packs/new.yaml": Seen("pack", "p2", {"rule r": "z"}),
    }

    assert detect(seen, now) == [
        Change("/h/assignments.yaml", "assignments", "a1", "a2", "changed: assignment fs"),
        Change("/h/packs/new.yaml", "pack", "", "p2", "file added: rule r"),
        Change("/h/packs/old.yaml", "pack", "p1", "", "file removed"),
    ]
    assert detect(now, now) == []


def test_a_change_is_an_other_action_of_gatepost_with_a_pass_decision() -> None:
    change = Change("/h/assignments.yaml", "assignments", "a" * 64, "b" * 64, "changed: x")
    actor = Actor(user=User(id="u", name="u", os_account="u"))

    action = action_of(change, "2026-12-08T00:00:00.000000Z", actor)
    decision = decision_of(change, "rev1")

    assert (action.surface.agent, action.surface.event, action.kind.value) == (
        "gatepost",
        "policy-change",
        "other",
    )
    assert (action.actor, action.operation.paths[0].path, action.operation.paths[0].access) == (
        actor,
        "/h/assignments.yaml",
        "write",
    )
    assert action.operation.content == (
        '{"file": "/h/assignments.yaml", "kind": "assignments", "new_sha256": "'
        + "b" * 64
        + '", "old_sha256": "'
        + "a" * 64
        + '", "summary": "changed: x"}'
    )
    assert (decision.verdict, decision.explanation, decision.policy_revision) == (
        Verdict.PASS,
        "policy file /h/assignments.yaml (assignments): changed: x "
        "(sha256 aaaaaaaaaaaa -> bbbbbbbbbbbb)",
        "rev1",
    )
