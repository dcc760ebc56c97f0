"""Socket activation for real: ``gatepost install service`` writes the units, and the service
they describe, started by ``systemd-socket-activate`` on the socket they name, takes the
listening socket it is given (LISTEN_FDS) and answers the hook."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.runtime.helpers import GATEPOST, bash_payload, env_for, hook, wait_for

RULE = "filesystem/recursive-delete-critical"


def _install(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home" / ".gatepost"
    env = env_for(home, XDG_CONFIG_HOME=str(tmp_path / "config"))
    return subprocess.run(
        [GATEPOST, "install", "service", "--no-start", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _unit_values(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line and line[0] != "#")


def test_install_service_writes_units_and_uninstall_removes_exactly_them(tmp_path: Path) -> None:
    units = tmp_path / "config" / "systemd" / "user"
    home = tmp_path / "home" / ".gatepost"
    dry = _install(tmp_path, "--dry-run")
    assert dry.returncode == 0
    assert not units.exists()  # a dry run writes nothing
    assert f"+++ b/{units / 'gatepost.socket'}" in dry.stdout.splitlines()
    assert "would run: systemctl --user enable --now gatepost.socket" in dry.stdout.splitlines()
    done = _install(tmp_path)
    assert (done.returncode, done.stdout.splitlines()) == (
        0,
        [f"wrote {units / 'gatepost.socket'}", f"wrote {units / 'gatepost.service'}"],
    )
    sock_unit = _unit_values((units / "gatepost.socket").read_text())
    service_unit = _unit_values((units / "gatepost.service").read_text())
    assert {k: sock_unit[k] for k in ("ListenStream", "Accept", "SocketMode")} == {
        "ListenStream": str(home / "run" / "gatepost.sock"),
        "Accept": "no",
        "SocketMode": "0600",
    }
    assert service_unit["ExecStart"] == f"{Path(GATEPOST).absolute()} daemon"
    assert service_unit["Environment"] == f"GATEPOST_HOME={home}"
    assert _install(tmp_path).stdout.splitlines() == [
        f"already in place: {units / 'gatepost.socket'}",
        f"already in place: {units / 'gatepost.service'}",
    ]
    # a unit changed by hand is not removed; nothing is
    (units / "gatepost.service").write_text((units / "gatepost.service").read_text() + "#\n")
    refused = _install(tmp_path, "--uninstall")
    assert refused.returncode == 2
    assert refused.stderr == (
        f"gatepost: {units / 'gatepost.service'} was changed after install; remove it yourself\n"
    )
    assert sorted(p.name for p in units.iterdir()) == ["gatepost.service", "gatepost.socket"]
    (units / "gatepost.service").write_text(
        (units / "gatepost.service").read_text().removesuffix("#\n")
    )
    (units / "other.service").write_text("[Service]\n")  # the user's own: never touched
    gone = _install(tmp_path, "--uninstall")
    assert gone.stdout.splitlines() == [
        f"removed {units / 'gatepost.socket'}",
        f"removed {units / 'gatepost.service'}",
    ]
    assert [p.name for p in units.iterdir()] == ["other.service"]


def test_a_unit_that_is_not_gatepost_s_is_not_replaced(tmp_path: Path) -> None:
    units = tmp_path / "config" / "systemd" / "user"
    units.mkdir(parents=True)
    (units / "gatepost.socket").write_text("[Socket]\nListenStream=/elsewhere\n")
    done = _install(tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"gatepost: {units / 'gatepost.socket'} exists and was not written by gatepost; "
        "left as it is\n"
    )
    assert (units / "gatepost.socket").read_text() == "[Socket]\nListenStream=/elsewhere\n"
    assert not (units / "gatepost.service").exists()


def test_the_installed_units_start_the_service_from_its_socket(tmp_path: Path) -> None:
    activate = shutil.which("systemd-socket-activate")
    if activate is None:
        if os.environ.get("CI") == "true":
            pytest.fail("systemd-socket-activate is missing (apt-get install systemd)")
        pytest.skip("systemd-socket-activate is not installed (Debian package systemd)")
    assert _install(tmp_path).returncode == 0
    units = tmp_path / "config" / "systemd" / "user"
    listen = _unit_values((units / "gatepost.socket").read_text())["ListenStream"]
    service_unit = _unit_values((units / "gatepost.service").read_text())
    home = tmp_path / "home" / ".gatepost"
    work = tmp_path / "work"
    work.mkdir()
    Path(listen).parent.mkdir(parents=True, mode=0o700)
    manager = subprocess.Popen(
        [
            activate,
            "-l",
            listen,
            "-E",
            service_unit["Environment"],
            "-E",
            f"HOME={home.parent}",
            *service_unit["ExecStart"].split(),
        ],
        env=env_for(home),
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(lambda: Path(listen).exists(), what="the manager's socket")
        assert not (home / "run" / "daemon.pid").exists()  # nothing runs until a hook connects
        reply = hook(home, bash_payload("rm -rf / --no-preserve-root", work), work)
        assert reply.stderr.decode().splitlines()[-1] == "gatepost-path: service"
        assert f"rule {RULE} " in reply.stdout.decode()
        pid = int((home / "run" / "daemon.pid").read_text())
        assert pid == manager.pid  # the manager's process became the service (Accept=no)
    finally:
        manager.send_signal(signal.SIGTERM)
        manager.wait(timeout=20)
        if manager.stderr:
            manager.stderr.close()
    # the socket belongs to the manager: the service leaves it where it is
    assert Path(listen).exists()
    assert not (home / "run" / "daemon.pid").exists()


def test_the_launchd_agent_names_the_socket(tmp_path: Path) -> None:
    import plistlib

    from gatepost.installer.service import LAUNCHD_LABEL, plan
    from gatepost.runtime.activation import LAUNCHD_LABEL as LABEL_READ

    home = tmp_path / "gp & co"
    p = plan({"HOME": str(tmp_path), "GATEPOST_HOME": str(home)}, "darwin", "/opt/bin/gatepost")
    (agent,) = p.files
    assert agent.path == tmp_path / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist"
    assert LABEL_READ == LAUNCHD_LABEL
    assert plistlib.loads(agent.text.encode()) == {
        "Label": LAUNCHD_LABEL,
        "ProgramArguments": ["/opt/bin/gatepost", "daemon"],
        "EnvironmentVariables": {"GATEPOST_HOME": str(home)},
        "Sockets": {
            "gatepost": {"SockPathName": str(home / "run" / "gatepost.sock"), "SockPathMode": 0o600}
        },
    }
