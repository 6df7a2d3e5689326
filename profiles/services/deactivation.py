"""Someone leaves: their account is deactivated, and what still waits on them is called off with it.

What waits on a person lives in the apps above profiles (their open requests and proposals in `matching`, their
upcoming meetings in `meetings`), which profiles may not import. Each of them registers what it calls off
(`deactivation_effect_register`, as they register their querysets with notifications), and `user_deactivate` runs
every effect in its own transaction: the account and all of it change together, or nothing does.

Approved matches are not ended: a coordinator decides that (program health lists them under "Approved matches with
someone who left"). Reactivating an account restores nothing: a cancelled request, proposal or meeting stays
cancelled, and the person asks or proposes again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from profiles.models import User
from profiles.services.tokens import token_revoke

#: What an app calls off when `user` leaves, deactivated by `by` (None: not by a person): what it did, in a few words
#: for the coordinator ("2 open requests or proposals cancelled"), or "" when nothing of it waited on them. It runs
#: in the deactivation's transaction.
DeactivationEffect = Callable[[User, User | None], str]

_effects: dict[str, DeactivationEffect] = {}


def deactivation_effect_register(name: str, effect: DeactivationEffect) -> None:
    """Called by an app above profiles when it starts; `name` keeps a second registration from running it twice."""
    _effects[name] = effect


@transaction.atomic
def user_deactivate(*, user: User, by: User | None) -> list[str]:
    """Deactivate `user`: they can no longer sign in (their API token is revoked, so reactivating them does not bring
    it back), and every registered effect calls off what waits on them. Returns what was done, one phrase per app
    that did something. Also for an account already saved inactive (the admin's form saves the box first): what
    waits on someone who has left is called off whenever this runs."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active"])
    user.is_active = False
    token_revoke(user=locked)
    done = [effect(locked, by) for effect in _effects.values()]
    return [phrase for phrase in done if phrase]
