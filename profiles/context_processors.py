"""The navigation links for whoever is signed in; each feature registers its link in NAV_ITEMS."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (url name, label, who sees it: "all", "trainee", "mentor"). A link whose page is not installed is skipped.
NAV_ITEMS: list[tuple[str, str, str]] = [
    ("matching-directory", "Find a mentor", "all"),
    ("matching-my-mentorship", "My mentorship", "trainee"),
    ("matching-my-mentees", "My mentees", "mentor"),
    ("meetings-list", "Meetings", "all"),
    ("profiles-goals", "Goals", "trainee"),
    ("profiles-me", "My profile", "all"),
    ("notifications-inbox", "Inbox", "all"),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    is_trainee = hasattr(user, "trainee_profile")
    is_mentor = hasattr(user, "mentor_profile")
    items = []
    for name, label, audience in NAV_ITEMS:
        if (audience == "trainee" and not is_trainee) or (audience == "mentor" and not is_mentor):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": False})
    # The current page is the link with the longest matching prefix (/me/goals/ is "Goals", not "My profile").
    matching = [item for item in items if request.path.startswith(str(item["url"])) and item["url"] != "/"]
    if matching:
        max(matching, key=lambda item: len(str(item["url"])))["current"] = True
    # Until the address is confirmed, every page says so (and offers the link again): see email_confirmation.
    return {"nav_items": items, "email_unconfirmed": not user.email_confirmed}
