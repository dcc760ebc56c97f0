"""Write src/gatepost/packs/MANIFEST.json, the SHA-256 of every shipped pack.

Run it after changing any pack (``python scripts/gen_manifest.py``); tests fail while the
committed manifest does not match the packs.
"""

from __future__ import annotations

from pathlib import Path

from gatepost.policy.manifest import MANIFEST_NAME, digests, render

PACKS = Path(__file__).resolve().parents[1] / "src" / "gatepost" / "packs"


def text() -> str:
    return render(digests(str(PACKS)))


if __name__ == "__main__":
    (PACKS / MANIFEST_NAME).write_text(text(), encoding="utf-8")
    print(f"wrote {PACKS / MANIFEST_NAME}")
