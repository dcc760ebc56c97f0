"""Names rules may use: the risk flags and classes that enrichment produces.

Kept in one place so a pack that names a flag or class nobody sets is refused at load time
instead of silently never matching. The tests check these sets against the analysis.
"""

from __future__ import annotations

FLAGS = frozenset(
    {
        "agent_config_tamper",
        "destructive_delete",
        "dynamic_program",
        "gatepost_bypass",
        "gatepost_tamper",
        "hooks_disabled",
        "interpreter_inline",
        "network_egress",
        "obfuscated",
        "parse_error",
        "persistence",
        "pipes_remote_to_shell",
        "privilege_escalation",
        "protected_write",
        "reads_credentials",
        "truncated",
        "uploads_data",
        "writes_credentials",
        "writes_outside_repo",
    }
)

PATH_CLASSES = frozenset(
    {
        "agent_config",
        "build_artifact",
        "ci_config",
        "credential",
        "cron",
        "dynamic",
        "gatepost_keys",
        "gatepost_state",
        "git_dir",
        "git_hooks",
        "glob",
        "home",
        "home_root",
        "outside_repo",
        "protected",
        "repo",
        "repo_root",
        "root",
        "service",
        "shell_startup",
        "ssh_authorized",
        "system",
        "temp",
    }
)

URL_CLASSES = frozenset({"exfil", "insecure", "paste", "raw_code", "tunnel"})
