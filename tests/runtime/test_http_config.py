"""``http: {port: N}`` in config.yaml: the only way, with the daemon flag, to turn HTTP on."""

from __future__ import annotations

from pathlib import Path

import pytest

from gatepost.config import load_config
from gatepost.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "port"),
    [("", None), ("http: {port: 8787}\n", 8787), ("http: {port: 0}\n", 0)],
)
def test_http_port_setting(tmp_path: Path, text: str, port: int | None) -> None:
    (tmp_path / "config.yaml").write_text(text or "identity: a@example.com\n")
    config = load_config({"GATEPOST_HOME": str(tmp_path), "HOME": str(tmp_path)})
    assert config.http_port == port


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("http: 8787\n", "http: must be {port: N}"),
        ("http: {port: '8787'}\n", "http: must be {port: N}"),
        ("http: {port: 8787, host: 0.0.0.0}\n", "http: must be {port: N}"),
        ("http: {port: 70000}\n", "http: port must be 0..65535"),
        ("http: {port: true}\n", "http: port must be 0..65535"),
    ],
)
def test_a_bad_http_setting_is_refused(tmp_path: Path, text: str, error: str) -> None:
    (tmp_path / "config.yaml").write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_config({"GATEPOST_HOME": str(tmp_path), "HOME": str(tmp_path)})
    assert str(exc.value) == f"{tmp_path / 'config.yaml'}: {error}"
