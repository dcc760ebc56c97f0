"""Arguments of network programs: URLs, hosts, and the files they send or write."""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Callable

from gatepost.action import UrlRef
from gatepost.analysis.args import Args, Refs, opt_set, option_value, split_args
from gatepost.analysis.urls import parse_remote, parse_url
from gatepost.analysis.words import Word, literal

_CURL_VALUED = opt_set("-d -F -H -o -T -u -X -A -e -b -c -K -x -m -w -E -r -C -U -y -Y -z -t -P -D")
_CURL_LONG = opt_set(
    "--data --data-ascii --data-binary --data-raw --data-urlencode --json --form "
    "--form-string --header --output --upload-file --user --request --user-agent --referer "
    "--cookie --cookie-jar --config --proxy --max-time --connect-timeout --write-out --cert "
    "--key --cacert --capath --range --retry --resolve --url --limit-rate --interface "
    "--output-dir --oauth2-bearer --unix-socket --proxy-user --connect-to --netrc-file "
    "--max-filesize --retry-delay --retry-max-time --dns-servers --local-port --trace "
    "--trace-ascii --dump-header --stderr --variable --create-file-mode --ciphers --pass"
)


def _curl(args: Args) -> Refs:
    out: list[tuple[Word, str]] = []
    urls: list[UrlRef] = []
    operands, _ = split_args(args, _CURL_VALUED, _CURL_LONG)
    remote_name = False
    out_dir = ""
    i, n = 0, len(args)
    while i < n and args[i][0] != "--":
        name, value, used = option_value(args, i, _CURL_VALUED, _CURL_LONG)
        i += used
        if name in ("-O", "--remote-name", "--remote-name-all"):
            remote_name = True
        if value is None:
            continue
        if name in ("-o", "--output", "-c", "--cookie-jar", "-D", "--dump-header", "--trace"):
            if value not in ("-", ""):
                out.append((literal(value), "write"))
        elif name in ("-T", "--upload-file", "-K", "--config", "--netrc-file"):
            if value not in ("-", ".", ""):
                out.append((literal(value), "read"))
        elif name in ("-d", "--data", "--data-binary", "--data-urlencode", "--json"):
            file = value.partition("=")[2] if name == "--data-urlencode" else value
            if file.startswith("@") and file not in ("@-", "@"):
                out.append((literal(file[1:]), "read"))
        elif name in ("-F", "--form"):
            file = value.partition("=")[2]
            if file[:1] in ("@", "<") and file[1:] not in ("-", ""):
                out.append((literal(file[1:].partition(";")[0]), "read"))
        elif name == "--url":
            urls.append(parse_url(value, default_scheme="http"))
        elif name == "--output-dir":
            out_dir = value
    for w in operands:
        urls.append(parse_url(w[0], default_scheme="http"))
    if remote_name:
        for url in urls:
            base = posixpath.basename(url.path)
            if base:
                out.append((literal(posixpath.join(out_dir, base) if out_dir else base), "write"))
    return out, urls


_WGET_VALUED = opt_set("-O -o -a -P -i -e -t -T -U -w -Q -l -A -R -D -B")
_WGET_LONG = opt_set(
    "--output-document --output-file --append-output --directory-prefix --input-file "
    "--execute --tries --timeout --user-agent --header --user --password --post-data "
    "--post-file --body-data --body-file --method --wait --quota --level --accept --reject "
    "--domains --load-cookies --save-cookies --ca-certificate --certificate --private-key --base"
)


def _wget(args: Args) -> Refs:
    operands, opts = split_args(args, _WGET_VALUED, _WGET_LONG)
    urls = [parse_url(w[0], default_scheme="http") for w in operands]
    out: list[tuple[Word, str]] = []
    document = opts.get("-O", opts.get("--output-document"))
    if document is None:
        prefix = opts.get("-P") or opts.get("--directory-prefix", "")
        for url in urls:
            base = posixpath.basename(url.path) or "index.html"
            out.append((literal(posixpath.join(prefix, base) if prefix else base), "write"))
    elif document not in ("-", ""):
        out.append((literal(document), "write"))
    for key, access in (
        ("-o", "write"),
        ("--output-file", "write"),
        ("-a", "write"),
        ("--append-output", "write"),
        ("--save-cookies", "write"),
        ("-i", "read"),
        ("--input-file", "read"),
        ("--post-file", "read"),
        ("--body-file", "read"),
        ("--load-cookies", "read"),
    ):
        value = opts.get(key)
        if value and value != "-":
            out.append((literal(value), access))
    return out, urls


def _httpie(args: Args) -> Refs:
    operands, opts = split_args(
        args, opt_set("-o -a -A -v"), opt_set("--output --auth --auth-type --session")
    )
    urls: list[UrlRef] = []
    out: list[tuple[Word, str]] = []
    rest = operands
    if rest and rest[0][0].isalpha() and rest[0][0].isupper():
        rest = rest[1:]  # the method
    if rest:
        target = rest[0][0]
        if target.startswith(":"):
            target = "localhost" + target
        urls.append(parse_url(target, default_scheme="http"))
        for w in rest[1:]:
            key, sep, value = w[0].partition("@")
            if sep and "=" not in key and value:
                out.append((literal(value), "read"))
            elif "=@" in w[0]:
                out.append((literal(w[0].partition("=@")[2]), "read"))
    output = opts.get("-o") or opts.get("--output")
    if output:
        out.append((literal(output), "write"))
    return out, urls


def tcp_url(host: str, port: str, scheme: str = "tcp") -> UrlRef:
    shown = f"[{host}]" if ":" in host else host
    raw = f"{shown}:{port}" if port else shown
    return dataclasses.replace(parse_url(f"{scheme}://{raw}"), raw=raw)


def _netcat(args: Args) -> Refs:
    operands, opts = split_args(
        args,
        opt_set("-p -s -w -i -q -x -X -e -c -o -O -I -T -g -G -m"),
        opt_set("--sh-exec --exec --proxy --output --source-port --source --wait"),
    )
    if "-l" in opts or "--listen" in opts or not operands:
        return [], []
    port = operands[1][0] if len(operands) > 1 else ""
    return [], [tcp_url(operands[0][0], port)]


def _telnet(args: Args) -> Refs:
    operands, _ = split_args(args, opt_set("-l -n -b -e -k -X"))
    if not operands:
        return [], []
    return [], [tcp_url(operands[0][0], operands[1][0] if len(operands) > 1 else "23")]


_SOCAT_NET = opt_set(
    "TCP TCP4 TCP6 TCP-CONNECT TCP4-CONNECT TCP6-CONNECT UDP UDP4 UDP6 UDP-CONNECT "
    "UDP4-CONNECT UDP6-CONNECT UDP-SENDTO UDP4-SENDTO OPENSSL OPENSSL-CONNECT SSL"
)


def _socat(args: Args) -> Refs:
    operands, _ = split_args(args)
    urls: list[UrlRef] = []
    out: list[tuple[Word, str]] = []
    for w in operands:
        kind, sep, rest = w[0].partition(":")
        kind = kind.upper()
        rest = rest.partition(",")[0]
        if sep and kind in _SOCAT_NET:
            host, _, port = rest.rpartition(":")
            scheme = "udp" if kind.startswith("UDP") else "tcp"
            urls.append(tcp_url(host or rest, port if host else "", scheme))
        elif sep and kind in ("FILE", "OPEN", "GOPEN", "CREATE") and rest:
            out.append((literal(rest), "write" if kind == "CREATE" else "read"))
    return out, urls


def _ssh(args: Args) -> Refs:
    operands, opts = split_args(
        args, opt_set("-b -c -D -E -e -F -I -i -J -L -l -m -O -o -p -Q -R -S -W -w -B")
    )
    if not operands:
        return [], []
    dest = operands[0][0]
    url = parse_url(dest) if "://" in dest else parse_url(dest, default_scheme="ssh")
    if opts.get("-p", "").isdigit() and "://" not in dest:
        url = dataclasses.replace(url, port=int(opts["-p"]))
    return [], [url]


def _remote_copy(valued: str, long_valued: str = "") -> Callable[[Args], Refs]:
    """scp, rsync: remote operands are URLs, local ones paths; the last one is the target."""
    vs, lvs = opt_set(valued), opt_set(long_valued)

    def refs(args: Args) -> Refs:
        operands, opts = split_args(args, vs, lvs)
        deleting = any(k.startswith("--delete") or k == "--remove-source-files" for k in opts)
        out: list[tuple[Word, str]] = []
        urls: list[UrlRef] = []
        for k, w in enumerate(operands):
            remote = parse_remote(w[0])
            if remote is not None:
                urls.append(remote)
            elif k == len(operands) - 1 and k > 0:
                out.append((w, "delete" if deleting else "write"))
            else:
                out.append((w, "read"))
        return out, urls

    return refs


def _sftp(args: Args) -> Refs:
    operands, _ = split_args(args, opt_set("-B -b -c -D -F -i -J -l -o -P -R -S -s -X"))
    if not operands:
        return [], []
    remote = parse_remote(operands[0][0])
    return [], [remote or parse_url(operands[0][0], default_scheme="ssh")]


# its keys are programs.NETWORK_ARG_PROGRAMS (operands loads this module when one appears)
NETWORK_PROGRAMS: dict[str, Callable[[Args], Refs]] = {
    "curl": _curl,
    "wget": _wget,
    "wget2": _wget,
    "http": _httpie,
    "https": _httpie,
    "httpie": _httpie,
    "xh": _httpie,
    "xhs": _httpie,
    "nc": _netcat,
    "ncat": _netcat,
    "netcat": _netcat,
    "telnet": _telnet,
    "socat": _socat,
    "ssh": _ssh,
    "scp": _remote_copy("-c -D -F -i -J -l -o -P -S -X"),
    "rsync": _remote_copy(
        "-e -f -T -B -M",
        "--rsh --rsync-path --exclude --include --exclude-from --include-from --files-from "
        "--filter --temp-dir --password-file --log-file --port --backup-dir --suffix --chmod "
        "--chown --compare-dest --copy-dest --link-dest --partial-dir --timeout --contimeout "
        "--bwlimit --max-size --min-size --out-format --info --debug --iconv",
    ),
    "sftp": _sftp,
}
