"""docs/api.md lists every stable error code a service can raise, so clients can rely on the table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("mentorship", "profiles", "matching", "meetings", "notifications")
# `code = "x"` on an error class (`default_code` on a DRF exception), or `code="x"` passed when raising one.
CODE = re.compile(
    r'^\s+(?:default_)?code = "([a-z_]+)"|(?:ApplicationError|Conflict|NotAllowed)\([^)]*code="([a-z_]+)"', re.M | re.S
)


def _codes_in_the_code() -> set[str]:
    codes: set[str] = set()
    for app in APPS:
        for source in (ROOT / app).rglob("*.py"):
            if "migrations" in source.parts:
                continue
            for class_code, raised_code in CODE.findall(source.read_text()):
                codes.add(class_code or raised_code)
    # A refused request answers with the code of the engine's rule that excludes the pair (PairExcluded).
    from matching.selectors.explaining import RULE_CODES

    return codes | set(RULE_CODES.values())


def test_every_stable_error_code_is_in_the_api_docs() -> None:
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", (ROOT / "docs" / "api.md").read_text(), flags=re.M))
    codes = _codes_in_the_code()

    assert {"mentor_at_capacity", "locked_out", "invalid_credentials"} <= codes  # the scan finds them
    assert codes - documented == set(), "add these codes to the table in docs/api.md"
