"""Write the published JSON Schemas of the Action and the Decision into docs/schema/."""

from __future__ import annotations

import json
from pathlib import Path

from gatepost.action import Action, Decision
from gatepost.codec import json_schema

OUT = Path(__file__).resolve().parents[1] / "docs" / "schema"


def schemas() -> dict[str, str]:
    return {
        "action.schema.json": json.dumps(json_schema(Action, title="gatepost Action"), indent=2)
        + "\n",
        "decision.schema.json": json.dumps(
            json_schema(Decision, title="gatepost Decision"), indent=2
        )
        + "\n",
    }


if __name__ == "__main__":
    for name, text in schemas().items():
        (OUT / name).write_text(text)
        print(f"wrote {OUT / name}")
