"""The setup pages say what the installer really writes, and their links resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gatepost.installer import MODULES, Place, spec

DOCS = Path(__file__).resolve().parents[2] / "docs"
HOME, PROJECT = Path("/HOME"), Path("/PROJECT")


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors of the page's headings."""
    heads = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in heads}


@pytest.mark.parametrize("agent", sorted(MODULES))
def test_setup_page_names_every_event_and_file(agent: str) -> None:
    page = (DOCS / "agents" / f"{agent}.md").read_text(encoding="utf-8")
    place = Place(home=HOME, project=PROJECT)
    user = "~/" + str(spec(agent).target("user", place).relative_to(HOME))
    project = str(spec(agent).target("project", place).relative_to(PROJECT))
    missing = [f"`{e}`" for e in spec(agent).events if f"`{e}`" not in page]
    missing += [f"`{p}`" for p in (user, project) if f"`{p}`" not in page]
    assert missing == []
    assert f"gatepost install {agent}" in page
    assert f"gatepost install {agent} --uninstall" in page
    assert f"gatepost doctor --agent {agent}" in page


@pytest.mark.parametrize("agent", sorted(MODULES))
def test_links_from_the_setup_page_resolve(agent: str) -> None:
    page = (DOCS / "agents" / f"{agent}.md").read_text(encoding="utf-8")
    capabilities = (DOCS / "capabilities.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(\.\./capabilities\.md#([\w-]+)\)", page)
    assert links and set(links) <= _anchors(capabilities)
