"""The protected resources: computed from the real installation and the installers' specs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import gatepost
from gatepost.analysis.context import Environment
from gatepost.analysis.paths import classify_path
from gatepost.installer import MODULES, Place, spec
from gatepost.protected import Installation, installation, protected_for, protected_paths

HOME = "/home/ana"
STATE = HOME + "/.gatepost"
REPO = HOME + "/src/app"
INST = Installation(
    executables=("/opt/gp/bin/gatepost",),
    package_dir="/opt/gp/lib/python3.12/site-packages/gatepost",
    prefix="/opt/gp",
    path_dirs=(HOME + "/bin", "/usr/bin"),
)
PROTECTED = protected_paths(HOME, STATE, REPO, INST)
ENV = Environment(home=HOME, gatepost_home=STATE, repo_root=REPO, protected=PROTECTED)


def _is_protected(path: str) -> bool:
    return "protected" in classify_path(path, ENV)


def test_the_running_installation() -> None:
    found = installation({"PATH": "/nowhere:/usr/bin"})
    exe = os.path.abspath(Path(sys.executable).parent / "gatepost")
    assert exe in found.executables
    assert os.path.realpath(exe) in found.executables
    assert found.package_dir == os.path.dirname(os.path.abspath(gatepost.__file__))
    assert found.prefix == (sys.prefix if sys.prefix != sys.base_prefix else "")
    assert found.path_dirs == ("/nowhere", "/usr/bin")


@pytest.mark.parametrize("agent", sorted(MODULES))
def test_every_hook_file_of_every_agent_is_protected(agent: str) -> None:
    place = Place(home=Path(HOME), project=Path(REPO))
    sources = [s for s in spec(agent).sources(place) if s.scope in ("user", "project")]
    assert sources
    for source in sources:
        assert _is_protected(str(source.path)), source.path
        inner = "/x.json" if source.folder else ".gatepost-backup"
        assert _is_protected(str(source.path) + inner)


@pytest.mark.parametrize(
    ("path", "protected"),
    [
        ("/opt/gp/bin/gatepost", True),
        ("/opt/gp/lib/python3.12/site-packages/gatepost/packs/git.yaml", True),
        ("/opt/gp/bin/python3", True),  # the environment gatepost runs in
        (HOME + "/bin/gatepost", True),  # would shadow it on PATH
        ("/usr/bin/gatepost", True),
        (STATE, True),
        (STATE + "/keys/raw.key", True),
        (HOME + "/.bashrc", True),
        (HOME + "/.gitconfig", True),
        (REPO + "/.git/hooks/pre-commit", True),
        (REPO + "/.git/config", True),
        (HOME + "/.claude/plugins/x/hooks/hooks.json", True),
        (REPO + "/src/main.py", False),
        (REPO + "/.git/HEAD", False),
        (HOME + "/bin/tool", False),
        (HOME + "/.gatepost-notes", False),
        ("/usr/bin/python3", False),
    ],
)
def test_classification(path: str, protected: bool) -> None:
    assert _is_protected(path) is protected


def test_keys_have_their_own_class() -> None:
    assert "gatepost_keys" in classify_path(STATE + "/keys/raw.key", ENV)
    assert "gatepost_keys" not in classify_path(STATE + "/config.yaml", ENV)
    assert "gatepost_keys" not in classify_path(STATE + "/keys-notes", ENV)


_PROBE = """
import json, sys
from gatepost import protected
found = protected.protected_for(sys.argv[1], sys.argv[2], sys.argv[3])
print(json.dumps({"found": found, "installers": "gatepost.installer" in sys.modules}))
"""


def _probe(home: Path, path: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEPOST")}
    env["PATH"] = path
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(home), str(home / ".gatepost"), str(home / "repo")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result = json.loads(done.stdout)
    assert isinstance(result, dict)
    return result


def test_computed_once_then_read_from_the_cache(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = f"{home}/bin:/usr/bin:/bin"
    first = _probe(home, path)
    assert first["installers"] is True
    found = first["found"]
    assert isinstance(found, list)
    assert f"{home}/bin/gatepost" in found
    assert str(home / ".gatepost") in found
    assert str(home / "repo" / ".git" / "hooks") in found
    cache = home / ".gatepost" / "state" / "protected-cache.json"
    assert json.loads(cache.read_text())["paths"] == found
    # the second process reads the cache: the installers are not imported
    assert _probe(home, path) == {"found": found, "installers": False}
    # another PATH is another installation: computed again
    other = _probe(home, f"{home}/other:/usr/bin")
    assert other["installers"] is True
    assert f"{home}/other/gatepost" in other["found"]  # type: ignore[operator]
    # a damaged cache is a miss, never an error
    cache.write_text('{"key": 1')
    assert _probe(home, path) == {"found": found, "installers": True}


def test_protected_for_in_process_matches_the_pure_computation(tmp_path: Path) -> None:
    home = str(tmp_path)
    got = protected_for(home, home + "/.gatepost", home + "/repo")
    environ = {k: v for k, v in os.environ.items() if k.endswith("_HOME") or k == "PATH"}
    inst = installation(environ)
    want = protected_paths(home, home + "/.gatepost", home + "/repo", inst, environ)
    assert got == want


def test_an_installation_behind_a_symlink_is_protected_where_it_really_is(
    tmp_path: Path,
) -> None:
    real = Path(gatepost.__file__).resolve().parent
    link = tmp_path / "link"
    link.symlink_to(real.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEPOST")}
    env["PYTHONPATH"] = str(link)
    probe = (
        "import json, gatepost.protected as p; i = p.installation({'PATH': ''}); "
        "print(json.dumps([i.package_dir, list(i.resolved)]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    package, resolved = json.loads(done.stdout)
    assert package == str(link / "gatepost")
    assert str(real) in resolved
