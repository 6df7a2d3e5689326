"""Read-only renderings for the admin: the score breakdown table and the audit rows."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from matching.selectors.explaining import LABELS

#: The trainees' labels (`selectors.explaining.LABELS`), worded for a coordinator where they differ.
COMPONENT_LABELS: dict[str, str] = {**LABELS, "specialty": "Specialty fit", "shortlist": "Trainee's shortlist"}


def _rows(breakdown: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(label, value, weight, points, detail) per component, from the snapshot a round or a request wrote."""
    components = breakdown.get("components")
    rows: list[tuple[str, str, str, str, str]] = []
    if isinstance(components, list):
        for item in components:
            if not isinstance(item, dict):
                continue
            name = str(item.get("name", ""))
            rows.append(
                (
                    str(item.get("label") or COMPONENT_LABELS.get(name, name)),
                    _number(item.get("value"), 2),
                    _number(item.get("weight"), 1),
                    _number(item.get("points"), 1),
                    # Requests and rounds store the engine's reason; rounds run before reasons were stored do not.
                    str(item.get("reason") or ""),
                )
            )
    elif isinstance(components, dict):
        for name, value in components.items():
            rows.append((str(COMPONENT_LABELS.get(name, name)), _number(value, 2), "", "", ""))
    return rows


def _number(value: Any, digits: int) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = f"{value:.{digits}f}"
        # A round stores -0.0 points for a mentor nobody shortlisted: a coordinator reads 0.0, not "-0.0".
        return shown.removeprefix("-") if float(shown) == 0 else shown
    return ""


def summary_of(breakdown: dict[str, Any] | None) -> str:
    """The one-line "why" a request or a round stored ("Same specialty (Cardiology) · speaks Spanish · …"), or ""."""
    summary = (breakdown or {}).get("summary") if isinstance(breakdown, dict) else None
    return summary if isinstance(summary, str) else ""


def breakdown_table(score: float | None, breakdown: dict[str, Any] | None) -> SafeString:
    """A table a coordinator can read: why this pair was proposed, component by component."""
    breakdown = breakdown or {}
    rows = _rows(breakdown)
    if not rows:
        return format_html("<p>{}</p>", "No breakdown was recorded for this match.")
    with_why = any(row[4] for row in rows)
    body = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td><td>{}</td>{}</tr>",
        ((*row[:4], format_html("<td>{}</td>", row[4]) if with_why else "") for row in rows),
    )
    summary = summary_of(breakdown)
    total = _number(score, 1) if score is not None else _number(breakdown.get("total"), 1)
    return format_html(
        "<table class='score-breakdown'><caption>Score {} of 100{}</caption>"
        "<thead><tr><th scope='col'>Component</th><th scope='col'>Value (0–1)</th><th scope='col'>Weight</th>"
        "<th scope='col'>Points</th>{}</tr></thead><tbody>{}</tbody></table>",
        total,
        f" · {summary}" if summary else "",
        format_html("<th scope='col'>{}</th>", "Why") if with_why else "",
        body,
    )
