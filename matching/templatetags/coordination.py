"""Template tags for the coordinators' admin index: their programs with one-click links."""

from __future__ import annotations

from typing import Any

from django import template

from matching.admin_views.access import programs_for

register = template.Library()


@register.inclusion_tag("admin/matching/_my_programs.html", takes_context=True)
def my_programs(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    programs = list(programs_for(user).filter(is_active=True).order_by("name")[:20]) if user.is_staff else []
    return {"programs": programs}
