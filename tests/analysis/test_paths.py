"""absolute() and classify_path(): whole tuples of classes, one place per case."""

from __future__ import annotations

import pytest

from gatepost.analysis.context import Environment
from gatepost.analysis.paths import absolute, classify_path

HOME = "/home/dev"
REPO = "/home/dev/code/api"
ENV = Environment(home=HOME, gatepost_home=HOME + "/.gatepost", repo_root=REPO)
NO_REPO = Environment(home=HOME, gatepost_home=HOME + "/.gatepost")


@pytest.mark.parametrize(
    ("raw", "cwd", "expected"),
    [
        ("src/main.py", REPO, REPO + "/src/main.py"),
        ("./src/../README.md", REPO, REPO + "/README.md"),
        ("/etc//passwd", REPO, "/etc/passwd"),
        ("//etc/passwd", REPO, "/etc/passwd"),
        ("/..", REPO, "/"),
        ("..", REPO, "/home/dev/code"),
        ("~", REPO, HOME),
        ("~/.ssh/id_rsa", REPO, HOME + "/.ssh/id_rsa"),
        ("~root/.bashrc", REPO, "/root/.bashrc"),
        ("~alice/x", REPO, "/home/alice/x"),
        ("$HOME", REPO, HOME),
        ("${HOME}/.aws", REPO, HOME + "/.aws"),
        ("$HOMEDIR/x", REPO, REPO + "/$HOMEDIR/x"),
        ("$PWD/build", "/srv/app", "/srv/app/build"),
        ("$TMPDIR/x", REPO, "/tmp/x"),
        ("${TMPDIR:-/tmp}/build", REPO, "/tmp/build"),
        ("${HOME:-/root}/x", REPO, HOME + "/x"),
        ("$X/y", REPO, REPO + "/$X/y"),
        ("*.log", "/var/log", "/var/log/*.log"),
        ("x", "", REPO + "/x"),
    ],
)
def test_absolute(raw: str, cwd: str, expected: str) -> None:
    assert absolute(raw, cwd, ENV) == expected


def test_absolute_without_cwd_or_repo_uses_home() -> None:
    assert absolute("notes.txt", "", NO_REPO) == HOME + "/notes.txt"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", ("outside_repo", "root")),
        (REPO, ("home", "repo", "repo_root")),
        (REPO + "/src/main.py", ("home", "repo")),
        ("/home/dev/code/other", ("home", "outside_repo")),
        (HOME, ("home", "home_root", "outside_repo")),
        ("/etc/hosts", ("outside_repo", "system")),
        ("/usr/local/bin/tool", ("outside_repo", "system")),
        ("/var/log/syslog", ("outside_repo", "system")),
        ("/var/tmp/x", ("outside_repo", "temp")),
        ("/tmp", ("outside_repo", "temp")),
        ("/tmp/build/x", ("outside_repo", "temp")),
        ("/private/tmp/x", ("outside_repo", "temp")),
        ("/dev/shm/x", ("outside_repo", "temp")),
        ("/opt/data", ("outside_repo", "system")),
        ("/data/x", ("outside_repo",)),
        ("/System/Library/Foo", ("outside_repo", "system")),
        ("/Applications/App.app", ("outside_repo", "system")),
        ("/private/etc/hosts", ("outside_repo", "system")),
        (HOME + "/.gatepost/events.db", ("gatepost_state", "home", "outside_repo")),
        (HOME + "/.gatepost", ("gatepost_state", "home", "outside_repo")),
    ],
)
def test_places(path: str, expected: tuple[str, ...]) -> None:
    assert classify_path(path, ENV) == expected


@pytest.mark.parametrize(
    "path",
    [
        HOME + "/.ssh",
        HOME + "/.ssh/id_rsa",
        HOME + "/.ssh/id_ed25519",
        HOME + "/.ssh/work_key",
        HOME + "/.aws/credentials",
        HOME + "/.aws/config",
        HOME + "/.aws",
        HOME + "/.config/gcloud/application_default_credentials.json",
        HOME + "/.azure/accessTokens.json",
        HOME + "/.kube/config",
        HOME + "/.docker/config.json",
        HOME + "/.netrc",
        HOME + "/.git-credentials",
        HOME + "/.npmrc",
        HOME + "/.pypirc",
        HOME + "/.gnupg/private-keys-v1.d/x.key",
        HOME + "/Library/Keychains/login.keychain-db",
        "/root/.ssh/id_rsa",
        "/etc/shadow",
        "/etc/sudoers",
        "/etc/sudoers.d/90-users",
        "/etc/ssh/ssh_host_ed25519_key",
    ],
)
def test_credential_places_outside_repo(path: str) -> None:
    assert "credential" in classify_path(path, ENV)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (".env", ("credential", "home", "repo")),
        (".env.local", ("credential", "home", "repo")),
        (".env.production", ("credential", "home", "repo")),
        (".env.example", ("home", "repo")),
        (".env.sample", ("home", "repo")),
        (".env.template", ("home", "repo")),
        ("certs/server.pem", ("credential", "home", "repo")),
        ("certs/server.key", ("credential", "home", "repo")),
        ("certs/client.p12", ("credential", "home", "repo")),
        ("certs/client.pfx", ("credential", "home", "repo")),
        ("deploy/id_rsa", ("credential", "home", "repo")),
        ("deploy/id_rsa.pub", ("home", "repo")),
        ("vault.kdbx", ("credential", "home", "repo")),
        ("infra/terraform.tfstate", ("credential", "home", "repo")),
        ("credentials.json", ("credential", "home", "repo")),
        ("service-account-prod.json", ("credential", "home", "repo")),
        ("k8s/secrets.yaml", ("credential", "home", "repo")),
        ("src/keys.py", ("home", "repo")),
    ],
)
def test_credential_names_in_repo(name: str, expected: tuple[str, ...]) -> None:
    assert classify_path(REPO + "/" + name, ENV) == expected


@pytest.mark.parametrize(
    "path",
    [HOME + "/.ssh/id_rsa.pub", HOME + "/.ssh/known_hosts", HOME + "/.ssh/config"],
)
def test_ssh_public_files_are_not_credentials(path: str) -> None:
    assert "credential" not in classify_path(path, ENV)


def test_authorized_keys() -> None:
    assert classify_path(HOME + "/.ssh/authorized_keys", ENV) == (
        "home",
        "outside_repo",
        "ssh_authorized",
    )


@pytest.mark.parametrize(
    "path",
    [
        HOME + "/.claude/settings.json",
        HOME + "/.claude/settings.local.json",
        REPO + "/.claude/settings.json",
        REPO + "/.claude/settings.local.json",
        HOME + "/.claude",
        HOME + "/.claude.json",
        "/etc/claude-code/managed-settings.json",
        "/Library/Application Support/ClaudeCode/managed-settings.json",
        HOME + "/.codex/config.toml",
        HOME + "/.codex/hooks.json",
        REPO + "/.codex/config.toml",
        "/etc/codex/requirements.toml",
        HOME + "/.gemini/settings.json",
        REPO + "/.gemini/settings.json",
        "/etc/gemini-cli/settings.json",
        HOME + "/.cursor/hooks.json",
        REPO + "/.cursor/hooks.json",
        REPO + "/.github/hooks/pre-tool.json",
        HOME + "/.copilot/hooks/hooks.json",
        REPO + "/.windsurf/hooks.json",
        HOME + "/.codeium/windsurf/hooks.json",
        REPO + "/.mcp.json",
    ],
)
def test_agent_config(path: str) -> None:
    assert "agent_config" in classify_path(path, ENV)


@pytest.mark.parametrize(
    "path",
    [HOME + "/.codex/sessions/x.jsonl", REPO + "/.claude/commands/x.md", REPO + "/claude.json"],
)
def test_not_agent_config(path: str) -> None:
    assert "agent_config" not in classify_path(path, ENV)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (HOME + "/.bashrc", ("home", "outside_repo", "shell_startup")),
        (HOME + "/.zshrc", ("home", "outside_repo", "shell_startup")),
        (HOME + "/.profile", ("home", "outside_repo", "shell_startup")),
        (HOME + "/.config/fish/config.fish", ("home", "outside_repo", "shell_startup")),
        ("/root/.bash_profile", ("outside_repo", "shell_startup", "system")),
        ("/etc/profile.d/x.sh", ("outside_repo", "shell_startup", "system")),
        ("/etc/bash.bashrc", ("outside_repo", "shell_startup", "system")),
        ("/etc/zsh/zshrc", ("outside_repo", "shell_startup", "system")),
        (REPO + "/.bashrc", ("home", "repo")),
        (REPO + "/.git/hooks/pre-commit", ("git_dir", "git_hooks", "home", "repo")),
        (REPO + "/.git", ("git_dir", "home", "repo")),
        (REPO + "/.git/config", ("git_dir", "home", "repo")),
        (REPO + "/.husky/pre-push", ("git_hooks", "home", "repo")),
        (REPO + "/.github/workflows/ci.yml", ("ci_config", "home", "repo")),
        (REPO + "/.gitlab-ci.yml", ("ci_config", "home", "repo")),
        (REPO + "/.circleci/config.yml", ("ci_config", "home", "repo")),
        (REPO + "/Jenkinsfile", ("ci_config", "home", "repo")),
        (REPO + "/azure-pipelines.yml", ("ci_config", "home", "repo")),
        (REPO + "/.buildkite/pipeline.yml", ("ci_config", "home", "repo")),
        ("/etc/crontab", ("cron", "outside_repo", "system")),
        ("/etc/cron.d/job", ("cron", "outside_repo", "system")),
        ("/var/spool/cron/crontabs/dev", ("cron", "outside_repo", "system")),
        ("/etc/anacrontab", ("cron", "outside_repo", "system")),
        ("/etc/systemd/system/x.service", ("outside_repo", "service", "system")),
        (HOME + "/.config/systemd/user/x.service", ("home", "outside_repo", "service")),
        ("/lib/systemd/system/x.service", ("outside_repo", "service", "system")),
        ("/etc/init.d/x", ("outside_repo", "service", "system")),
        (HOME + "/Library/LaunchAgents/x.plist", ("home", "outside_repo", "service")),
        ("/Library/LaunchDaemons/x.plist", ("outside_repo", "service", "system")),
    ],
)
def test_persistence_places(path: str, expected: tuple[str, ...]) -> None:
    assert classify_path(path, ENV) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (REPO + "/node_modules", ("build_artifact", "home", "repo")),
        (REPO + "/node_modules/x/index.js", ("build_artifact", "home", "repo")),
        (REPO + "/dist", ("build_artifact", "home", "repo")),
        (REPO + "/target/debug", ("build_artifact", "home", "repo")),
        (REPO + "/pkg/gatepost.egg-info", ("build_artifact", "home", "repo")),
        (REPO + "/.venv/lib", ("build_artifact", "home", "repo")),
        (REPO + "/src/__pycache__", ("build_artifact", "home", "repo")),
        (HOME + "/.cache", ("build_artifact", "home", "outside_repo")),
        (HOME + "/other/build/x", ("home", "outside_repo")),
        (REPO + "/src/build.py", ("home", "repo")),
    ],
)
def test_build_artifacts(path: str, expected: tuple[str, ...]) -> None:
    assert classify_path(path, ENV) == expected


def test_glob_and_dynamic_read_from_the_path_or_given() -> None:
    assert classify_path(REPO + "/*.py", ENV) == ("glob", "home", "repo")
    assert classify_path(REPO + "/app/[id]/page.tsx", ENV, glob=False) == ("home", "repo")
    assert classify_path(REPO + "/$X", ENV) == ("dynamic", "home", "repo")
    assert classify_path(REPO + "/$X", ENV, dynamic=False) == ("home", "repo")
    assert classify_path(HOME + "/.env*", ENV, glob=True) == (
        "credential",
        "glob",
        "home",
        "outside_repo",
    )


def test_without_repo_root_there_is_no_repo_class() -> None:
    assert classify_path("/home/dev/code/api/x", NO_REPO) == ("home",)
    assert classify_path("/", NO_REPO) == ("root",)


def test_repo_inside_a_system_dir_is_not_system() -> None:
    env = Environment(home=HOME, gatepost_home=HOME + "/.gatepost", repo_root="/srv/app")
    assert classify_path("/srv/app/src", env) == ("repo",)
    assert classify_path("/srv/other", env) == ("outside_repo", "system")
