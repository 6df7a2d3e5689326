"""The mentor arrays every directory page ranks against, cached so that a page costs no profile queries.

Two layers: the Django cache (shared by every process when it is Redis) holds the pickled arrays under a
version number, and each process keeps the arrays it last unpickled while the version in the cache is the same.
`invalidate_mentor_features()` writes a new version, so every process rebuilds (once) on its next page.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache

from matching.features.read import ZoneOffsets, mentor_features_from
from matching.features.taxonomy import Taxonomy, taxonomy_load
from matching.scoring.arrays import MentorFeatures
from profiles.models import MentorProfile

VERSION_KEY = "matching:mentor-features:version"
DATA_KEY = "matching:mentor-features:{version}"


def _ttl_seconds() -> int:
    # Rebuilt at least hourly whatever happens (and at the minute a mentor's clocks change: `expires_at`). A
    # per-process cache (LocMem, the embedded default) cannot hear other processes' invalidations: keep its copy
    # for a minute.
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return 60 if "locmem" in backend.lower() or "dummy" in backend.lower() else 3600


@dataclass(frozen=True, eq=False)
class BrowsingFeatures:
    """Every mentor (accepting or not, full or not), the taxonomy their columns refer to, when built, and until
    when they are right: the mentors' UTC offsets are those of `built_at`, so the arrays expire the minute any
    mentor's clocks change, or a trainee next to a mentor in her own zone would read "1 h apart" for up to an hour."""

    version: str
    built_at: float
    taxonomy: Taxonomy
    mentors: MentorFeatures
    expires_at: float = float("inf")

    def fresh(self, version: str, ttl: int) -> bool:
        now = time.time()
        return self.version == version and now - self.built_at < ttl and now < self.expires_at


_memo: BrowsingFeatures | None = None
_build_lock = threading.Lock()


def invalidate_mentor_features() -> None:
    """Throw away the cached mentor arrays everywhere (a profile, a match or the taxonomy changed)."""
    global _memo
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    _memo = None


def _current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or uuid.uuid4().hex
    return str(version)


def build_browsing_features(version: str = "", ttl: int | None = None) -> BrowsingFeatures:
    """Read every mentor from the database (eight queries), bypassing the cache."""
    taxonomy = taxonomy_load()
    zones = ZoneOffsets()
    mentors = mentor_features_from(MentorProfile.objects.all(), taxonomy, zones=zones)
    change = zones.next_change(timedelta(seconds=ttl if ttl is not None else _ttl_seconds()))
    return BrowsingFeatures(
        version=version,
        built_at=zones.at.timestamp(),
        taxonomy=taxonomy,
        mentors=mentors,
        expires_at=change.timestamp() if change is not None else float("inf"),
    )


def browsing_features() -> BrowsingFeatures:
    """The cached mentor arrays: no SQL when warm, one cache read to check the version."""
    global _memo
    version = _current_version()
    ttl = _ttl_seconds()
    memo = _memo
    if memo is not None and memo.fresh(version, ttl):
        return memo
    with _build_lock:  # one rebuild per process at a time; other threads wait and reuse it
        memo = _memo
        if memo is not None and memo.fresh(version, ttl):
            return memo
        key = DATA_KEY.format(version=version)
        cached = cache.get(key)
        if isinstance(cached, BrowsingFeatures) and cached.fresh(version, ttl):
            _memo = cached
            return cached
        built = build_browsing_features(version, ttl)
        cache.set(key, built, max(1, math.ceil(min(ttl, built.expires_at - built.built_at))))
        _memo = built
        return built
