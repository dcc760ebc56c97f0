"""A generated corpus of fake secrets, each placed in five carriers, for the redaction tests.

Every secret is random text in the right format for its kind (prefixes, lengths, alphabets),
drawn from a seeded generator: the corpus is the same on every run and holds no real secret.
Each kind yields ``per_kind`` secrets, and each secret is placed in a shell command, a file's
content, a prompt, a tool's output and a URL, so there are ``5 * per_kind`` cases per kind.

A case is removed when no piece of its secret survives redaction: ``fragments`` are the parts
of the secret as they appear in the text (the base64 lines of a key block, for instance), and
none of their 12-character windows may remain.
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

SEED = 20240611
PER_KIND = 50
CARRIERS = ("command", "file", "prompt", "output", "url")
WINDOW = 12

B62 = string.ascii_letters + string.digits
B64 = B62 + "+/"
B64URL = B62 + "-_"
HEX = "0123456789abcdef"
UPPER_NUM = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class Case:
    kind: str
    carrier: str
    text: str
    fragments: tuple[str, ...]  # the secret as it appears in text, in one or more pieces


def removed(case: Case, redacted: str) -> bool:
    """True when no 12-character window of any fragment is left in ``redacted``."""
    for frag in case.fragments:
        if len(frag) <= WINDOW:
            if frag in redacted:
                return False
            continue
        for i in range(len(frag) - WINDOW + 1):
            if frag[i : i + WINDOW] in redacted:
                return False
    return True


def _r(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _classes(rng: random.Random, alphabet: str, n: int, extra: str = "") -> str:
    """Random text with at least one lower case letter, one upper case letter and one digit."""
    while True:
        value = _r(rng, alphabet + extra, n)
        lower, upper = any(c.islower() for c in value), any(c.isupper() for c in value)
        if lower and upper and any(c.isdigit() for c in value):
            return value


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# ---------------------------------------------------------------------------- secret bodies


def _aws_access_key(rng: random.Random) -> str:
    return rng.choice(("AKIA", "AKIA", "ASIA")) + _r(rng, string.ascii_uppercase + "234567", 16)


def _github(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return "github_pat_" + _r(rng, B62, 22) + "_" + _r(rng, B62, 59)
    return rng.choice(("ghp_", "gho_", "ghu_", "ghs_", "ghr_")) + _r(rng, B62, 36)


def _slack(rng: random.Random) -> str:
    if rng.random() < 0.2:
        tail = f"{rng.randrange(10**12)}-{_r(rng, HEX, 64)}"
        return f"xapp-1-A{_r(rng, UPPER_NUM, 10)}-{tail}"
    kind = rng.choice("bpaer")
    numbers = f"{rng.randrange(10**11, 10**12)}-{rng.randrange(10**11, 10**13)}"
    return f"xox{kind}-{numbers}-{_r(rng, B62, 24)}"


def _stripe(rng: random.Random) -> str:
    prefix = rng.choice(("sk_live_", "sk_test_", "rk_live_", "whsec_"))
    return prefix + _classes(rng, B62, rng.choice((24, 32, 99)))


def _openai(rng: random.Random) -> str:
    style = rng.random()
    if style < 0.3:
        return "sk-" + _r(rng, B62, 20) + "T3BlbkFJ" + _r(rng, B62, 20)
    if style < 0.8:
        return "sk-proj-" + _r(rng, B64URL, 156)
    return "sk-svcacct-" + _r(rng, B64URL, 120)


def _jwt(rng: random.Random) -> str:
    header = {"alg": rng.choice(("HS256", "RS256", "ES256")), "typ": "JWT"}
    claims = {
        "sub": str(rng.randrange(10**9)),
        "name": rng.choice(("Ada", "Grace", "Linus", "Barbara")),
        "iat": 1_700_000_000 + rng.randrange(10**7),
        "scope": rng.choice(("read", "read write", "admin")),
    }
    parts = [_b64url(json.dumps(p).encode()) for p in (header, claims)]
    return ".".join([*parts, _r(rng, B64URL, rng.choice((43, 86, 342)))])


def _pypi(rng: random.Random) -> str:
    return "pypi-AgEIcHlwaS5vcmc" + _r(rng, B64URL, rng.randrange(140, 200))


def _azure_client_secret(rng: random.Random) -> str:
    alphabet = B62 + "_~.-"
    return _r(rng, alphabet, 3) + str(rng.randrange(10)) + "Q~" + _r(rng, alphabet, 34)


def _password(rng: random.Random) -> str:
    return _classes(rng, B62, rng.randrange(12, 25), "!^*_+-.~")


def _generic(rng: random.Random) -> str:
    return _classes(rng, B62, rng.randrange(24, 49))


BODIES: dict[str, Callable[[random.Random], str]] = {
    "aws-access-key": _aws_access_key,
    "aws-secret-key": lambda rng: _r(rng, B64, 40),
    "gcp-api-key": lambda rng: "AIza" + _r(rng, B64URL, 35),
    "github-token": _github,
    "gitlab-token": lambda rng: rng.choice(("glpat-", "gldt-", "glrt-")) + _r(rng, B64URL, 20),
    "slack-token": _slack,
    "stripe-key": _stripe,
    "openai-key": _openai,
    "anthropic-key": lambda rng: "sk-ant-api03-" + _r(rng, B64URL, 93) + "AA",
    "npm-token": lambda rng: "npm_" + _r(rng, B62, 36),
    "pypi-token": _pypi,
    "jwt": _jwt,
    "azure-client-secret": _azure_client_secret,
    "high-entropy": _generic,
}
ENV_NAMES = {
    "aws-access-key": "AWS_ACCESS_KEY_ID",
    "aws-secret-key": "AWS_SECRET_ACCESS_KEY",
    "gcp-api-key": "GOOGLE_API_KEY",
    "github-token": "GITHUB_TOKEN",
    "gitlab-token": "GITLAB_TOKEN",
    "slack-token": "SLACK_BOT_TOKEN",
    "stripe-key": "STRIPE_SECRET_KEY",
    "openai-key": "OPENAI_API_KEY",
    "anthropic-key": "ANTHROPIC_API_KEY",
    "npm-token": "NPM_TOKEN",
    "pypi-token": "TWINE_PASSWORD",
    "jwt": "SESSION_TOKEN",
    "azure-client-secret": "AZURE_CLIENT_SECRET",
    "high-entropy": "ACME_API_KEY",
}

# ---------------------------------------------------------------------------- carriers

TEMPLATES: dict[str, tuple[str, ...]] = {
    "command": (
        'curl -sS -H "Authorization: Bearer {s}" https://api.example.com/v1/models',
        "export {env}={s}",
        'export {env}="{s}" && npm run deploy',
        "docker run --rm -e {env}={s} ghcr.io/acme/worker:1.4.2",
        'gh secret set {env} --body "{s}" --repo acme/api',
        "python scripts/sync.py --token {s} --dry-run",
        "git clone https://x-access-token:{s}@github.com/acme/api.git",
    ),
    "file": (
        "# .env\nAPP_ENV=production\nLOG_LEVEL=info\n{env}={s}\nDATABASE_POOL=10\n",
        "service:\n  name: billing\n  replicas: 3\n  credentials:\n    api_key: {s}\n"
        "  region: eu-west-1\n",
        'import os\n\nclient = Client(\n    base_url="https://api.example.com",\n'
        '    api_key="{s}",\n    timeout=30,\n)\n',
        '{{\n  "name": "worker",\n  "version": "1.0.0",\n  "token": "{s}",\n  "retries": 3\n}}\n',
        'const config = {{\n  region: "us-east-1",\n  apiKey: "{s}",\n}};\n'
        "export default config;\n",
    ),
    "prompt": (
        "here is my key {s}, why does it fail?",
        "I set {env}={s} but the deploy still says unauthorized. Can you check?",
        "The token is {s} and it returns 401, what am I doing wrong",
        "why does `curl -u me:{s} https://api.example.com/v2/me` give 403?",
        "Use this api key for the integration tests: {s}",
    ),
    "output": (
        "$ env | sort\nHOME=/home/dev\n{env}={s}\nPATH=/usr/local/bin:/usr/bin\n",
        '2024-05-14T09:12:44Z DEBUG request headers={{"Authorization": "Bearer {s}", '
        '"Accept": "application/json"}}\n',
        "Created credential for service account ci-bot.\nToken: {s}\n"
        "Store it now, it will not be shown again.\n",
        'Traceback (most recent call last):\n  File "app.py", line 12, in <module>\n'
        '    connect(token="{s}")\nAuthError: invalid token\n',
    ),
    "url": (
        "https://api.example.com/v1/reports?api_key={s}&format=json",
        "https://app.example.com/oauth/callback#access_token={s}&token_type=bearer&expires_in=3600",
        "https://ci-bot:{s}@git.example.com/acme/api.git",
        "wss://stream.example.com/events?token={s}",
    ),
}

# kinds that are secret only in context get templates that give the context
AWS_SECRET_TEMPLATES: dict[str, tuple[str, ...]] = {
    "command": (
        "export AWS_SECRET_ACCESS_KEY={s}",
        "aws configure set aws_secret_access_key {s} --profile ci",
        "docker run -e AWS_ACCESS_KEY_ID={akid} -e AWS_SECRET_ACCESS_KEY={s} amazon/aws-cli s3 ls",
    ),
    "file": (
        "[default]\naws_access_key_id = {akid}\naws_secret_access_key = {s}\nregion = us-east-1\n",
        'provider "aws" {{\n  region     = "eu-central-1"\n  access_key = "{akid}"\n'
        '  secret_key = "{s}"\n}}\n',
    ),
    "prompt": (
        "here is my aws secret key {s}, why does it fail?",
        "My AWS credentials are {akid} / secret {s}. Why is S3 denying access?",
    ),
    "output": (
        '{{\n    "Credentials": {{\n        "AccessKeyId": "{akid}",\n'
        '        "SecretAccessKey": "{s}",\n'
        '        "Expiration": "2024-05-14T10:12:44Z"\n    }}\n}}\n',
        "Access key ID: {akid}\nSecret access key: {s}\n",
    ),
    "url": ("https://backup.example.com/hook?aws_secret_access_key={s}&bucket=prod-logs",),
}
HIGH_ENTROPY_TEMPLATES: dict[str, tuple[str, ...]] = {
    "command": (
        "export ACME_API_KEY={s}",
        'curl -H "X-Api-Key: {s}" https://api.acme.example/v3/orders',
        "acme-cli login --api-key {s} --region eu",
    ),
    "file": (
        "# .env\nACME_API_KEY={s}\nACME_REGION=eu\n",
        "acme:\n  endpoint: https://api.acme.example\n  api_key: {s}\n",
        'ACME_SECRET = "{s}"\n',
    ),
    "prompt": (
        "here is my key {s}, why does it fail?",
        "The API key {s} stopped working this morning, any idea?",
    ),
    "output": (
        "Your new API key: {s}\nKeep it somewhere safe.\n",
        "webhook signing secret  {s}\nendpoint  https://hooks.acme.example/in\n",
    ),
    "url": ("https://api.acme.example/v3/orders?key={s}&page=2",),
}
PASSWORD_TEMPLATES: dict[str, tuple[str, ...]] = {
    "command": (
        "export DB_PASSWORD='{s}'",
        "mysql -h db.internal -u app -p'{s}' shop",
        "PGPASSWORD='{s}' psql -h db.internal -U app app",
        "sshpass -p '{s}' ssh deploy@10.0.4.12",
        "./manage.py createsuperuser --username admin --password '{s}'",
    ),
    "file": (
        "DB_HOST=db.internal\nDB_USER=app\nDB_PASSWORD={s}\n",
        "database:\n  host: db.internal\n  user: app\n  password: '{s}'\n",
        'conn = psycopg.connect(host="db.internal", user="app", password="{s}")\n',
        '{{"db": {{"user": "app", "password": "{s}", "port": 5432}}}}\n',
    ),
    "prompt": (
        "my password is {s} and the login still fails, why?",
        "I put DB_PASSWORD={s} in .env but Django says authentication failed",
    ),
    "output": (
        "$ env\nDB_USER=app\nDB_PASSWORD={s}\n",
        "2024-05-14 09:12:44 INFO connecting with user=app password={s}\n",
    ),
    "url": ("https://db-admin.example.com/login?user=app&password={s}",),
}
URL_PASSWORD_TEMPLATES: dict[str, tuple[str, ...]] = {
    "command": (
        "git clone https://deploy:{s}@git.example.com/acme/api.git",
        "psql postgres://app:{s}@db.internal:5432/app -c 'select 1'",
        "redis-cli -u redis://default:{s}@cache.internal:6379 ping",
    ),
    "file": (
        "DATABASE_URL=postgres://app:{s}@db.internal:5432/app\nCACHE_URL=redis://cache:6379/0\n",
        "mongo:\n  uri: mongodb+srv://admin:{s}@cluster0.example.net/prod?retryWrites=true\n",
    ),
    "prompt": ("why does connecting to mysql://root:{s}@localhost:3306/shop fail?",),
    "output": ("Connecting to amqp://guest:{s}@rabbit.internal:5672/ ... connection refused\n",),
    "url": ("https://admin:{s}@grafana.example.com/api/dashboards/home",),
}


def _fill(template: str, secret: str, env: str, rng: random.Random) -> str:
    return template.format(s=secret, env=env, akid=_aws_access_key(rng))


def _templated(
    kind: str, rng: random.Random, n: int, templates: dict[str, tuple[str, ...]]
) -> list[Case]:
    body = BODIES[kind]
    env = ENV_NAMES.get(kind, "APP_SECRET")
    cases = []
    for _ in range(n):
        secret = body(rng)
        for carrier in CARRIERS:
            text = _fill(rng.choice(templates[carrier]), secret, env, rng)
            cases.append(Case(kind, carrier, text, (secret,)))
    return cases


def _passwords(kind: str, rng: random.Random, n: int) -> list[Case]:
    templates = URL_PASSWORD_TEMPLATES if kind == "url-password" else PASSWORD_TEMPLATES
    cases = []
    for _ in range(n):
        secret = _password(rng)
        for carrier in CARRIERS:
            template = rng.choice(templates[carrier])
            value = quote(secret, safe="") if kind == "url-password" else secret
            if carrier == "url" and kind != "url-password":
                value = quote(secret, safe="-_.~!*")
            cases.append(Case(kind, carrier, template.format(s=value), (value,)))
    return cases


def _pem(rng: random.Random) -> tuple[str, str, list[str]]:
    """A fake key block: (header, footer, base64 body lines)."""
    label = rng.choice(("RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"))
    n = rng.randrange(200, 1700)
    body = _r(rng, B64, n) + "=="
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----", f"-----END {label}-----", lines


def _private_keys(rng: random.Random, n: int) -> list[Case]:
    cases = []
    for i in range(n):
        begin, end, lines = _pem(rng)
        pem = "\n".join([begin, *lines, end])
        indented = "\n".join("    " + line for line in pem.split("\n"))
        head = lines[: min(4, len(lines))]
        carriers = {
            "command": f"cat > ~/.ssh/id_deploy <<'EOF'\n{pem}\nEOF\nchmod 600 ~/.ssh/id_deploy",
            "file": rng.choice((pem + "\n", f"tls:\n  cert: cert.pem\n  key: |\n{indented}\n")),
            "prompt": f"here is my deploy key, why does ssh reject it?\n{pem}\nthanks",
            "output": (
                f"$ head -5 ~/.ssh/id_rsa\n{begin}\n" + "\n".join(head) + "\n$ "
                if i % 2
                else f"$ cat ~/.ssh/id_rsa\n{pem}\n$ "
            ),
        }
        for carrier, text in carriers.items():
            shown = head if carrier == "output" and i % 2 else lines
            cases.append(Case("private-key", carrier, text, tuple(shown)))
        url = "https://paste.example.com/api/create?content=" + quote(pem, safe="")
        cases.append(Case("private-key", "url", url, tuple(quote(x, safe="") for x in lines)))
    return cases


def _service_accounts(rng: random.Random, n: int) -> list[Case]:
    cases = []
    for _ in range(n):
        _, _, lines = _pem(rng)
        key = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----\n"
        account = {
            "type": "service_account",
            "project_id": "acme-prod-" + str(rng.randrange(1000, 9999)),
            "private_key_id": _r(rng, HEX, 40),
            "private_key": key,
            "client_email": "deployer@acme-prod.iam.gserviceaccount.com",
            "client_id": str(rng.randrange(10**20, 10**21)),
            "token_uri": "https://oauth2.googleapis.com/token",
        }
        one_line, pretty = json.dumps(account), json.dumps(account, indent=2)
        carriers = {
            "command": f"echo '{one_line}' > /tmp/sa.json && gcloud auth activate-service-account"
            " --key-file /tmp/sa.json",
            "file": pretty + "\n",
            "prompt": f"why does this service account fail with invalid_grant?\n{pretty}",
            "output": f"$ cat deployer.json\n{pretty}\n",
        }
        for carrier, text in carriers.items():
            cases.append(Case("gcp-service-account-key", carrier, text, tuple(lines)))
        url = "https://deploy.example.com/api/credentials?json=" + quote(one_line, safe="")
        frags = tuple(quote(x, safe="") for x in lines)
        cases.append(Case("gcp-service-account-key", "url", url, frags))
    return cases


def _slack_webhooks(rng: random.Random, n: int) -> list[Case]:
    cases = []
    for _ in range(n):
        path = f"T{_r(rng, UPPER_NUM, 8)}/B{_r(rng, UPPER_NUM, 10)}/{_r(rng, B62, 24)}"
        url = "https://hooks.slack.com/services/" + path
        carriers = {
            "command": "curl -X POST -H 'Content-type: application/json' "
            f'--data \'{{"text":"deploy done"}}\' {url}',
            "file": f"SLACK_WEBHOOK_URL={url}\nSLACK_CHANNEL=#deploys\n",
            "prompt": f"post to {url} when the nightly build fails",
            "output": f"notify: posting build status to {url} ... 200 OK\n",
            "url": url,
        }
        cases.extend(Case("slack-webhook", c, t, (path,)) for c, t in carriers.items())
    return cases


def _azure_storage(rng: random.Random, n: int) -> list[Case]:
    cases = []
    for _ in range(n):
        key = _r(rng, B64, 86) + "=="
        conn = (
            "DefaultEndpointsProtocol=https;AccountName=acmelogs;"
            f"AccountKey={key};EndpointSuffix=core.windows.net"
        )
        carriers = {
            "command": f'az storage blob upload --connection-string "{conn}" -c logs -f app.log',
            "file": f"AZURE_STORAGE_CONNECTION_STRING={conn}\nAZURE_CONTAINER=logs\n",
            "prompt": f"my connection string is {conn} and uploads fail with 403",
            "output": f'{{\n  "connectionString": "{conn}"\n}}\n',
            "url": f"https://portal.example.com/debug?conn={conn}",
        }
        cases.extend(Case("azure-storage-key", c, t, (key,)) for c, t in carriers.items())
    return cases


def _azure_sas(rng: random.Random, n: int) -> list[Case]:
    cases = []
    for _ in range(n):
        sig = quote(base64.b64encode(rng.randbytes(32)).decode(), safe="")
        url = (
            "https://acmelogs.blob.core.windows.net/releases?sv=2022-11-02&ss=b&srt=co&sp=rl"
            f"&se=2025-01-01T00:00:00Z&spr=https&sig={sig}"
        )
        carriers = {
            "command": f'azcopy copy ./build "{url}" --recursive',
            "file": f"RELEASES_SAS_URL={url}\n",
            "prompt": f"this SAS url returns 403, why? {url}",
            "output": f"INFO: Scanning {url}\nINFO: 12 files transferred\n",
            "url": url,
        }
        cases.extend(Case("azure-sas-token", c, t, (sig,)) for c, t in carriers.items())
    return cases


def secret_cases(per_kind: int = PER_KIND, seed: int = SEED) -> list[Case]:
    """Every kind's fake secrets in every carrier: ``5 * per_kind`` cases per kind."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for kind in BODIES:
        if kind == "aws-secret-key":
            templates = AWS_SECRET_TEMPLATES
        elif kind == "high-entropy":
            templates = HIGH_ENTROPY_TEMPLATES
        else:
            templates = TEMPLATES
        cases += _templated(kind, rng, per_kind, templates)
    cases += _passwords("password", rng, per_kind)
    cases += _passwords("url-password", rng, per_kind)
    cases += _private_keys(rng, per_kind)
    cases += _service_accounts(rng, per_kind)
    cases += _slack_webhooks(rng, per_kind)
    cases += _azure_storage(rng, per_kind)
    cases += _azure_sas(rng, per_kind)
    return cases
