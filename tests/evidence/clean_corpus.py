"""Ordinary commands and code, none holding a secret, for the redaction false-positive tests.

Two sources: the real commands of the dcg corpus (``command = "..."`` in ``corpus/**/*.toml``
and the lines of ``e2e/fixtures/commands/*.txt``, read in place), and generated lines written
here: code that talks about tokens, keys and passwords without holding one, and the
high-entropy text that is not secret (commit SHAs, UUIDs, digests, base64 image data,
lock-file integrity fields, long CSS class lists).
"""

from __future__ import annotations

import base64
import random
import re
import string
import tomllib
import uuid
from pathlib import Path
from typing import Any

from tests.shared import dcg_root as shared_dcg_root

SEED = 20240612
HEX = "0123456789abcdef"
_EXPECT = re.compile(r"(?:BLOCK|ALLOW|WARN):")


def dcg_root() -> Path | None:
    """The dcg corpus (tests.shared.dcg_root), or None when it is not there."""
    root = shared_dcg_root()
    return root if (root / "corpus").is_dir() else None


def _commands(obj: Any, out: list[str]) -> None:
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key == "command" and isinstance(value, str):
                out.append(value)
            else:
                _commands(value, out)
    elif isinstance(obj, list):
        for value in obj:
            _commands(value, out)


def dcg_lines(root: Path) -> list[str]:
    """The commands of the dcg corpus, as the agent would have sent them."""
    out: list[str] = []
    for path in sorted((root / "corpus").rglob("*.toml")):
        _commands(tomllib.loads(path.read_text(encoding="utf-8")), out)
    for path in sorted((root / "e2e/fixtures/commands").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append(_EXPECT.sub("", line, count=1).replace("\\n", "\n"))
    return out


# Code that names credentials without holding one. Every line is realistic and must stay as is.
CODE_LINES = (
    "max_tokens=4096",
    "response = client.messages.create(model=model, max_tokens=1024, messages=messages)",
    "tokenizer = AutoTokenizer.from_pretrained('bert-base-uncased')",
    "tokens = tokenizer.encode(text, add_special_tokens=True)",
    "num_tokens = len(tokens)",
    "token = lexer.next_token()",
    "if token.kind == TokenKind.IDENT:",
    "self.token = token",
    "password = getpass.getpass('Password: ')",
    "password = os.environ['DB_PASSWORD']",
    "api_key = os.getenv('OPENAI_API_KEY')",
    "api_key: str | None = None",
    "token: Optional[str] = None",
    "secret_key = settings.SECRET_KEY",
    "conn = psycopg.connect(host=host, user=user, password=password)",
    "client = OpenAI(api_key=api_key)",
    "headers = {'Authorization': f'Bearer {token}'}",
    "headers['Authorization'] = 'Bearer ' + access_token",
    "const token = localStorage.getItem('token');",
    "const apiKey = process.env.API_KEY;",
    "apiKey: process.env.STRIPE_SECRET_KEY,",
    "if (!token) { return res.status(401).json({ error: 'missing token' }); }",
    "headers: { Authorization: `Bearer ${token}` },",
    "password: z.string().min(8).max(128),",
    "token_type = 'bearer'",
    "expires_in: 3600",
    "refresh_token_expires_in = 86400",
    "password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt())",
    "AUTH_PASSWORD_VALIDATORS = [",
    "SESSION_COOKIE_SECURE = True",
    "CSRF_COOKIE_NAME = 'csrftoken'",
    "token: ${{ secrets.GITHUB_TOKEN }}",
    "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    "NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}",
    "password: ${DB_PASSWORD}",
    "password: '{{ vault_db_password }}'",
    "secretKeyRef:",
    "  name: db-credentials",
    "  key: password",
    "secretName: api-tls",
    "type: kubernetes.io/service-account-token",
    "automountServiceAccountToken: false",
    "imagePullSecrets:",
    "existingSecret: grafana-admin",
    "export GITHUB_TOKEN=$(gh auth token)",
    'export OPENAI_API_KEY="$(pass show openai/api-key)"',
    "echo $API_TOKEN | docker login ghcr.io -u bot --password-stdin",
    "gh auth login --with-token < token.txt",
    "git config --global credential.helper store",
    "git config --global credential.helper 'cache --timeout=3600'",
    "ssh-keygen -t ed25519 -C 'alice@example.com' -f ~/.ssh/id_ed25519",
    "ssh-add ~/.ssh/id_ed25519",
    "gpg --recv-keys 9DC858229FC7DD38854AE2D88D81803C0EBFCD88",
    "apt-key adv --keyserver keyserver.ubuntu.com --recv-keys 0x5D11D5D19B0E3E5B",
    "kubectl get secret db-credentials -o jsonpath='{.data.password}' | base64 -d",
    "kubectl create secret generic api-keys --from-env-file=.env.production",
    "aws secretsmanager get-secret-value --secret-id prod/db --query SecretString",
    "aws sts get-caller-identity",
    "vault kv get -field=password secret/db",
    "openssl rand -base64 32",
    "openssl req -new -key server.key -out server.csr",
    "mysql -u root -p mydb < dump.sql",
    "curl -H 'Accept: application/json' https://api.github.com/repos/acme/api",
    'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/me',
    'curl -u "$USER:$PASS" https://artifacts.example.com/repo/',
    "npm config set //registry.npmjs.org/:_authToken=${NPM_TOKEN}",
    "pip install --index-url https://pypi.org/simple requests==2.31.0",
    "twine upload --repository testpypi dist/*",
    "docker login -u ci-bot --password-stdin ghcr.io",
    "def verify_token(token: str, *, leeway: int = 30) -> Claims:",
    "    raise InvalidTokenError('token expired')",
    "class TokenBucket:",
    "    def refill(self, tokens: int) -> None:",
    "for key, value in sorted(items.items()):",
    "cache_key = f'user:{user_id}:profile'",
    "key = hashlib.sha256(payload).hexdigest()",
    "keys = list(mapping.keys())",
    "primary_key = models.AutoField(primary_key=True)",
    "public_key = private_key.public_key()",
    "private_key = serialization.load_pem_private_key(data, password=None)",
    "signing_key = jwk_client.get_signing_key_from_jwt(token).key",
    "secret = secrets.token_urlsafe(32)",
    "if password != confirm_password:",
    "if user.check_password(password):",
    "form.password.data = ''",
    '<input type="password" name="password" autocomplete="current-password">',
    '<label for="api-key">API key</label>',
    'placeholder="Paste your token here"',
    "The password must be at least 12 characters long.",
    "Rotate the API key every 90 days; the old key keeps working for 24 hours.",
    "Set the token in your environment before running the tests.",
    "Use `gh auth token` to print the current token.",
    "keyboard-interactive authentication is disabled",
    "monkeypatch.setenv('API_KEY', 'test')",
    "assert response.json()['token_type'] == 'bearer'",
    "MAX_TOKENS_PER_REQUEST = 8192",
    "TOKEN_URL = 'https://oauth2.googleapis.com/token'",
    "PASSWORD_MIN_LENGTH = 12",
    "password_reset_timeout = 259200",
    "--token-color-primary: #0b5fff;",
    "  --token-spacing-4: 16px;",
    ".token.keyword { color: #d73a49; }",
    "const keyPair = await crypto.subtle.generateKey(params, true, ['sign', 'verify']);",
    'let token = env::var("GITHUB_TOKEN")?;',
    'Password string `json:"password"`',
    'Password: os.Getenv("DB_PASSWORD"),',
    "token_count += len(chunk.split())",
    "  auth_method: token",
    "  key: ${{ runner.os }}-pip-${{ hashFiles('**/requirements.txt') }}",
    "      - uses: actions/cache@v4",
    "docker compose up -d --build",
    "terraform plan -var-file=prod.tfvars -out=tfplan",
    "helm upgrade --install api ./charts/api --set image.tag=1.4.2",
)
CSS_LINES = (
    '<div class="flex items-center justify-between rounded-lg border border-gray-200 bg-white'
    ' px-4 py-3 shadow-sm hover:bg-gray-50 dark:border-gray-700 dark:bg-gray-800">',
    '<button class="inline-flex items-center gap-x-1.5 rounded-md bg-indigo-600 px-3 py-2 text-sm'
    ' font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline">',
    ".card__header--highlighted .token-list__item--selected:hover { color: #333; }",
    ".MuiButtonBase-root-MuiButton-root.Mui-focusVisible { box-shadow: none; }",
    '<span class="css-1q8v7ph-MuiTypography-root-MuiLink-root">Docs</span>',
    ".sc-bdVaJa.kCaVpq .sc-bwzfXH.jJpcdd { display: grid; }",
)


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HEX) for _ in range(n))


def _b64(rng: random.Random, n: int) -> str:
    return base64.b64encode(rng.randbytes(n)).decode()


def must_keep_lines(rng: random.Random | None = None) -> list[str]:
    """High-entropy text that is not a secret: none of it may be altered."""
    rng = rng or random.Random(SEED)
    out: list[str] = list(CSS_LINES)
    for _ in range(40):
        sha, uid = _hex(rng, 40), str(uuid.UUID(bytes=rng.randbytes(16)))
        out += [
            f"git show {sha}",
            f"git cherry-pick {sha[:12]}",
            f"commit {sha}",
            f"Merge: {sha[:7]} {_hex(rng, 7)}",
            f'"session_id": "{uid}",',
            f"request_id={uid} status=200 duration_ms={rng.randrange(1, 900)}",
            f"docker rm -f {_hex(rng, 64)}",
            f"FROM python:3.12-slim@sha256:{_hex(rng, 64)}",
            f"    --hash=sha256:{_hex(rng, 64)} \\",
            f'    {{file = "requests-2.31.0-py3-none-any.whl", hash = "sha256:{_hex(rng, 64)}"}},',
            f'checksum = "{_hex(rng, 64)}"',
            f'      "integrity": "sha512-{_b64(rng, 64)}",',
            f"  integrity sha1-{_b64(rng, 20)}",
            f"github.com/spf13/cobra v1.8.{rng.randrange(9)} h1:{_b64(rng, 32)}",
            f'const ICON = "data:image/png;base64,{_b64(rng, rng.randrange(60, 240))}";',
            f'<img alt="logo" src="data:image/gif;base64,{_b64(rng, 90)}">',
            f"  background-image: url(data:image/svg+xml;base64,{_b64(rng, 120)});",
            f'etag: W/"{_hex(rng, 32)}"',
            f"X-Request-Id: {uid}",
            f"kubectl logs api-{_hex(rng, 10)}-{''.join(rng.sample(string.ascii_lowercase, 5))}",
        ]
    return out


def generated_lines(n: int = 1000) -> list[str]:
    """At least ``n`` ordinary lines: the code lines, then must-keep lines with fresh data."""
    rng = random.Random(SEED)
    out = list(CODE_LINES)
    while len(out) < n:
        out += must_keep_lines(rng)
    return out


def clean_lines() -> list[str]:
    root = dcg_root()
    return (dcg_lines(root) if root else []) + generated_lines()
