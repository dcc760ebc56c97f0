"""URL parsing and classification (DESIGN §2). Never raises: garbage in, a partial UrlRef out."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from gatepost.action import UrlRef

if TYPE_CHECKING:  # imported when a host looks like an address (it costs a cold start ~1 ms)
    import ipaddress

URL_CLASSES = ("exfil", "insecure", "paste", "raw_code", "tunnel")
IP_CLASSES = ("link_local", "loopback", "metadata", "private", "public_ip")

DEFAULT_PORTS = {
    "http": 80,
    "https": 443,
    "ws": 80,
    "wss": 443,
    "ftp": 21,
    "ftps": 990,
    "sftp": 22,
    "ssh": 22,
    "scp": 22,
    "git": 9418,
    "git+ssh": 22,
    "ssh+git": 22,
    "git+https": 443,
    "git+http": 80,
    "rsync": 873,
    "telnet": 23,
    "tftp": 69,
    "smb": 445,
    "ldap": 389,
    "ldaps": 636,
    "gopher": 70,
    "dict": 2628,
    "redis": 6379,
    "mysql": 3306,
    "postgres": 5432,
    "postgresql": 5432,
    "mongodb": 27017,
    "amqp": 5672,
}
_INSECURE_SCHEMES = frozenset({"http", "ftp"})

_METADATA_HOSTS = frozenset(
    {
        "169.254.169.254",
        "169.254.170.2",
        "fd00:ec2::254",
        "100.100.100.200",
        "metadata.google.internal",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
    }
)

_PASTE = (
    "pastebin.com",
    "paste.ee",
    "hastebin.com",
    "hastebin.skyra.pw",
    "ghostbin.com",
    "ghostbin.co",
    "dpaste.com",
    "dpaste.org",
    "termbin.com",
    "0x0.st",
    "transfer.sh",
    "file.io",
    "ix.io",
    "sprunge.us",
    "rentry.co",
    "rentry.org",
    "paste.rs",
    "controlc.com",
    "justpaste.it",
    "bpa.st",
    "paste.gg",
    "privatebin.net",
    "temp.sh",
    "bashupload.com",
    "oshi.at",
    "catbox.moe",
    "gofile.io",
    "pastes.dev",
    "katb.in",
)
_EXFIL = (
    "webhook.site",
    "requestbin.com",
    "requestbin.net",
    "requestcatcher.com",
    "pipedream.net",
    "ngrok-free.app",
    "ngrok-free.dev",
    "ngrok.io",
    "ngrok.app",
    "interact.sh",
    "interactsh.com",
    "burpcollaborator.net",
    "oastify.com",
    "canarytokens.com",
    "canarytokens.org",
    "canarytokens.net",
    "beeceptor.com",
    "hookbin.com",
    "postb.in",
    "requestrepo.com",
    "dnslog.cn",
    "ceye.io",
)
_TUNNEL = (
    "ngrok.io",
    "ngrok-free.app",
    "ngrok-free.dev",
    "ngrok.app",
    "trycloudflare.com",
    "loca.lt",
    "localtunnel.me",
    "serveo.net",
    "serveousercontent.com",
    "localhost.run",
    "lhr.life",
    "pagekite.me",
    "bore.pub",
    "loclx.io",
    "pinggy.io",
    "pinggy.link",
)
_RAW_CODE = ("raw.githubusercontent.com", "gist.githubusercontent.com", "raw.github.com")
_DISCORD = ("discord.com", "discordapp.com", "canary.discord.com", "ptb.discord.com")


def _host_in(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _is_scheme(text: str) -> bool:
    return (
        bool(text)
        and text[0].isascii()
        and text[0].isalpha()
        and all(c.isascii() and (c.isalnum() or c in "+-.") for c in text)
    )


def parse_url(raw: str, *, default_scheme: str = "") -> UrlRef:
    """Parse ``raw`` into a classified UrlRef; ``default_scheme`` applies when it has none."""
    text = raw.strip()
    scheme, sep, rest = text.partition("://")
    if sep and _is_scheme(scheme):
        scheme = scheme.lower()
    else:
        scheme, rest = default_scheme, text
    end = len(rest)
    for ch in "/?#":
        i = rest.find(ch)
        if 0 <= i < end:
            end = i
    netloc, tail = rest[:end], rest[end:]
    path = tail
    for ch in "?#":
        path = path.partition(ch)[0]
    hostport = netloc.rpartition("@")[2]
    host, port_text = _split_hostport(hostport)
    host = host.lower().rstrip(".")
    port = DEFAULT_PORTS.get(scheme, 0)
    if port_text.isdigit() and port_text.isascii() and len(port_text) <= 5:
        value = int(port_text)
        if value <= 65535:
            port = value
    return _classify(UrlRef(raw=raw, scheme=scheme, host=host, port=port, path=path))


def parse_remote(raw: str) -> UrlRef | None:
    """``[user@]host:path`` (scp, rsync, git) as an ssh UrlRef; ``host::module`` as rsync."""
    if "://" in raw:
        return parse_url(raw)
    if not raw or raw[0] in "/.~-:" or " " in raw:
        return None
    colon = raw.find(":")
    slash = raw.find("/")
    if colon <= 0 or (0 <= slash < colon):
        return None
    _user, at, hostpart = raw[:colon].rpartition("@")
    if hostpart.startswith("["):
        hostpart = hostpart.strip("[]")
    elif not hostpart or not all(c.isalnum() or c in ".-_" for c in hostpart):
        return None  # not a host name
    elif len(hostpart) == 1 and not at:
        return None  # a drive letter such as C:
    scheme = "ssh"
    path = raw[colon + 1 :]
    if path.startswith(":"):
        scheme, path = "rsync", path[1:]
    port = DEFAULT_PORTS[scheme]
    return _classify(UrlRef(raw=raw, scheme=scheme, host=hostpart.lower(), port=port, path=path))


def _split_hostport(hostport: str) -> tuple[str, str]:
    if hostport.startswith("["):
        inner, _, after = hostport[1:].partition("]")
        return inner, after[1:] if after.startswith(":") else ""
    if hostport.count(":") > 1:
        return hostport, ""  # a bare IPv6 address
    host, _, port = hostport.partition(":")
    return host, port


def _numeric_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """inet_aton forms: ``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(parts):
        return None
    values: list[int] = []
    for part in parts:
        if len(part) > 12:
            return None
        low = part.lower()
        try:
            if low.startswith("0x"):
                values.append(int(low[2:] or "0", 16))
            elif len(low) > 1 and low.startswith("0"):
                values.append(int(low, 8))
            elif low.isdigit() and low.isascii():
                values.append(int(low))
            else:
                return None
        except ValueError:
            return None
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        return None
    number = last
    for i, v in enumerate(head):
        number += v << (8 * (3 - i))
    import ipaddress

    return ipaddress.IPv4Address(number)


def ip_class(host: str) -> str:
    """loopback, private, link_local, metadata, public_ip, or "" for a name."""
    if host in _METADATA_HOSTS:
        return "metadata"
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    if not host or not _IP_CHARS.issuperset(host):
        return ""  # a name
    import ipaddress

    addr: ipaddress.IPv4Address | ipaddress.IPv6Address | None
    try:
        addr = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        addr = _numeric_ipv4(host)
    if addr is None:
        return ""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if str(addr) in _METADATA_HOSTS:
        return "metadata"
    if addr.is_loopback or addr.is_unspecified:
        return "loopback"
    if addr.is_link_local:
        return "link_local"
    if any(addr in net for net in _private_networks()):
        return "private"
    return "public_ip"  # documentation and reserved ranges included: not on this network


_IP_CHARS = frozenset("0123456789abcdefx.:%[]")


@cache
def _private_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    import ipaddress

    return tuple(
        ipaddress.ip_network(n)
        for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
    )


def _classify(ref: UrlRef) -> UrlRef:
    host = ref.host
    ipc = ip_class(host) if host else ""
    classes: list[str] = []
    if _host_in(host, _PASTE):
        classes.append("paste")
    exfil = _host_in(host, _EXFIL) or _is_oast(host)
    if _host_in(host, _DISCORD) and ref.path.startswith(("/api/webhooks/", "/api/v10/webhooks/")):
        exfil = True
    if host == "api.telegram.org" and ref.path.startswith("/bot"):
        exfil = True
    if exfil:
        classes.append("exfil")
    if _host_in(host, _TUNNEL):
        classes.append("tunnel")
    if ref.scheme in _INSECURE_SCHEMES and host and ipc != "loopback":
        classes.append("insecure")
    if _host_in(host, _RAW_CODE):
        classes.append("raw_code")
    classes.sort()
    return UrlRef(
        raw=ref.raw,
        scheme=ref.scheme,
        host=host,
        port=ref.port,
        path=ref.path,
        ip_class=ipc,
        classes=tuple(classes),
    )


def _is_oast(host: str) -> bool:
    labels = host.split(".")
    return len(labels) >= 2 and labels[-2] == "oast"
