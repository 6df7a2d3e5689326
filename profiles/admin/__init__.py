"""The admin for people and profiles. Coordinators (staff in the Coordinators group) view and change profiles here;
only superusers touch staff accounts, permissions and e-mail addresses, so the admin cannot be used to raise one's
own rights or to take over someone's account. Profile and goal changes go through the services.

`users`: accounts; `taxonomy`: specialties, focus areas, languages; `people`: mentor and trainee profiles, goals.
"""

from profiles.admin import people, taxonomy, users

__all__ = ["people", "taxonomy", "users"]
