"""Export the command templates the fast path compiles (``edge/asr/fastpath/commands.json``).

The device runtime never imports the lab, so the sentence templates of the project's device command
families (hassil syntax, ``edge.lab.training.templates_commands``) and their expansion rules ship as data
in the wheel. Open-ended families (a media search, a free wildcard) are left out: a grammar cannot hold
them and Whisper serves them. Run ``python -m edge.lab.fastpath_export`` after changing the templates.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from edge.lab.training.templates_base import RULES
from edge.lab.training.templates_commands import COMMAND_FAMILIES

__all__ = ["OUT", "export", "main"]

OUT = Path(__file__).resolve().parent.parent / "asr" / "fastpath" / "commands.json"
_OPEN_ENDED = re.compile(r"\{[a-z_]+:search_query\}|\{(title|music|query|search_query)\}")


def export() -> dict[str, object]:
    families = {
        name: [t for t in family.templates if not _OPEN_ENDED.search(t)]
        for name, family in COMMAND_FAMILIES.items()
    }
    return {
        "generated_by": "python -m edge.lab.fastpath_export",
        "rules": dict(sorted(RULES.items())),
        "families": {k: v for k, v in families.items() if v},
    }


def main() -> int:
    OUT.write_text(json.dumps(export(), indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
