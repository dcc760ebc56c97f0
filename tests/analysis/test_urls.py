"""parse_url / parse_remote: whole UrlRef objects."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gatepost.action import UrlRef
from gatepost.analysis.urls import parse_remote, parse_url


def test_full_url() -> None:
    assert parse_url("https://User:pw@API.Example.com:8443/v1/items?q=1#top") == UrlRef(
        raw="https://User:pw@API.Example.com:8443/v1/items?q=1#top",
        scheme="https",
        host="api.example.com",
        port=8443,
        path="/v1/items",
    )


@pytest.mark.parametrize(
    ("raw", "scheme", "port"),
    [
        ("https://example.com", "https", 443),
        ("ssh://example.com/repo", "ssh", 22),
        ("git://example.com/repo", "git", 9418),
        ("wss://example.com/socket", "wss", 443),
        ("s3://bucket/key", "s3", 0),
    ],
)
def test_default_ports(raw: str, scheme: str, port: int) -> None:
    ref = parse_url(raw)
    assert (ref.scheme, ref.port) == (scheme, port)


@pytest.mark.parametrize(
    ("raw", "host", "ip_class"),
    [
        ("https://127.0.0.1:8000/", "127.0.0.1", "loopback"),
        ("http://localhost:3000/", "localhost", "loopback"),
        ("http://app.localhost/", "app.localhost", "loopback"),
        ("http://[::1]/", "::1", "loopback"),
        ("http://0.0.0.0:8080/", "0.0.0.0", "loopback"),
        ("http://10.1.2.3/", "10.1.2.3", "private"),
        ("http://192.168.1.10/", "192.168.1.10", "private"),
        ("http://172.16.5.4/", "172.16.5.4", "private"),
        ("http://100.64.1.1/", "100.64.1.1", "private"),
        ("http://[fd12::1]/", "fd12::1", "private"),
        ("http://169.254.10.20/", "169.254.10.20", "link_local"),
        ("http://[fe80::1]/", "fe80::1", "link_local"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "metadata"),
        ("http://[fd00:ec2::254]/", "fd00:ec2::254", "metadata"),
        ("http://metadata.google.internal/", "metadata.google.internal", "metadata"),
        ("http://100.100.100.200/", "100.100.100.200", "metadata"),
        ("http://8.8.8.8/", "8.8.8.8", "public_ip"),
        ("http://203.0.113.7/payload", "203.0.113.7", "public_ip"),
        ("http://[2001:db8::1]/", "2001:db8::1", "public_ip"),
        ("https://example.com/", "example.com", ""),
        ("http://2130706433/", "2130706433", "loopback"),
        ("http://0x7f000001/", "0x7f000001", "loopback"),
        ("http://0177.0.0.1/", "0177.0.0.1", "loopback"),
        ("http://127.1/", "127.1", "loopback"),
        ("http://0xa9fea9fe/", "0xa9fea9fe", "metadata"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1", "loopback"),
    ],
)
def test_ip_classes(raw: str, host: str, ip_class: str) -> None:
    ref = parse_url(raw)
    assert (ref.host, ref.ip_class) == (host, ip_class)


@pytest.mark.parametrize(
    ("raw", "classes"),
    [
        ("https://pastebin.com/raw/abc", ("paste",)),
        ("https://0x0.st", ("paste",)),
        ("https://transfer.sh/x", ("paste",)),
        ("https://termbin.com", ("paste",)),
        ("https://webhook.site/1234", ("exfil",)),
        ("https://eo1.m.pipedream.net", ("exfil",)),
        ("https://abc.oast.pro", ("exfil",)),
        ("https://x.burpcollaborator.net", ("exfil",)),
        ("https://canarytokens.com/x", ("exfil",)),
        ("https://discord.com/api/webhooks/1/tok", ("exfil",)),
        ("https://discord.com/channels/1", ()),
        ("https://api.telegram.org/bot123:abc/sendMessage", ("exfil",)),
        ("https://abcd.ngrok-free.app/x", ("exfil", "tunnel")),
        ("https://x.trycloudflare.com", ("tunnel",)),
        ("https://sub.loca.lt", ("tunnel",)),
        ("http://example.com/", ("insecure",)),
        ("ftp://files.example.com/x", ("insecure",)),
        ("http://localhost:8080/", ()),
        ("http://127.0.0.1/", ()),
        ("https://raw.githubusercontent.com/a/b/main/install.sh", ("raw_code",)),
        ("https://gist.githubusercontent.com/a/b/raw", ("raw_code",)),
        ("https://github.com/a/b", ()),
        ("https://notpastebin.com/", ()),
    ],
)
def test_url_classes(raw: str, classes: tuple[str, ...]) -> None:
    assert parse_url(raw).classes == classes


def test_default_scheme_for_bare_hosts() -> None:
    assert parse_url("example.com/install.sh", default_scheme="http") == UrlRef(
        raw="example.com/install.sh",
        scheme="http",
        host="example.com",
        port=80,
        path="/install.sh",
        classes=("insecure",),
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", UrlRef(raw="")),
        ("://", UrlRef(raw="://", path="//")),
        ("http://", UrlRef(raw="http://", scheme="http", port=80)),
        (
            "http://[::1",
            UrlRef(raw="http://[::1", scheme="http", host="::1", port=80, ip_class="loopback"),
        ),
        (
            "http://host:99999/",
            UrlRef(
                raw="http://host:99999/",
                scheme="http",
                host="host",
                port=80,
                path="/",
                classes=("insecure",),
            ),
        ),
        ("not a url", UrlRef(raw="not a url", host="not a url")),
    ],
)
def test_garbage_gives_what_could_be_read(raw: str, expected: UrlRef) -> None:
    assert parse_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "git@github.com:acme/api.git",
            UrlRef(
                raw="git@github.com:acme/api.git",
                scheme="ssh",
                host="github.com",
                port=22,
                path="acme/api.git",
            ),
        ),
        (
            "me@h:/tmp",
            UrlRef(raw="me@h:/tmp", scheme="ssh", host="h", port=22, path="/tmp"),
        ),
        (
            "backup::module/dir",
            UrlRef(
                raw="backup::module/dir", scheme="rsync", host="backup", port=873, path="module/dir"
            ),
        ),
        (
            "10.0.0.5:/srv",
            UrlRef(
                raw="10.0.0.5:/srv",
                scheme="ssh",
                host="10.0.0.5",
                port=22,
                path="/srv",
                ip_class="private",
            ),
        ),
    ],
)
def test_remote_specs(raw: str, expected: UrlRef) -> None:
    assert parse_remote(raw) == expected


@pytest.mark.parametrize("raw", ["C:/x", "./a:b", "/abs:x", "dir/file:1", "plain", "a b:c"])
def test_not_remote_specs(raw: str) -> None:
    assert parse_remote(raw) is None


@given(st.text(max_size=300))
def test_parse_url_never_raises(text: str) -> None:
    ref = parse_url(text)
    assert ref.raw == text
    assert parse_url("http://" + text).raw == "http://" + text
    parse_remote(text)
