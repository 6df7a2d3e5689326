"""The mentor arrays every directory page ranks against, cached so that a page costs no profile queries.

Two layers: the Django cache (shared by every process when it is Redis) holds the pickled arrays under a
version number, and each process keeps the arrays it last unpickled while the version in the cache is the same.
`invalidate_mentor_features()` writes a new version, so every process rebuilds (once) on its next page.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from matching.features.read import ZoneOffsets, mentor_features_from
from matching.features.taxonomy import Taxonomy, taxonomy_load
from matching.scoring.arrays import MentorFeatures
from profiles.models import MentorProfile

VERSION_KEY = "matching:mentor-features:version"
DATA_KEY = "matching:mentor-features:{version}"


def _ttl_seconds() -> int:
    # Time-zone offsets move at DST changes, so the arrays are rebuilt at least hourly. A per-process cache
    # (LocMem, the embedded default) cannot hear other processes' invalidations: keep its copy for a minute.
    backend = str(settings.CACHES.get("default", {}).get("BACKEND", ""))
    return 60 if "locmem" in backend.lower() or "dummy" in backend.lower() else 3600


@dataclass(frozen=True, eq=False)
class BrowsingFeatures:
    """Every mentor (accepting or not, full or not), the taxonomy their columns refer to, and when built."""

    version: str
    built_at: float
    taxonomy: Taxonomy
    mentors: MentorFeatures


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


def build_browsing_features(version: str = "") -> BrowsingFeatures:
    """Read every mentor from the database (eight queries), bypassing the cache."""
    taxonomy = taxonomy_load()
    mentors = mentor_features_from(MentorProfile.objects.all(), taxonomy, zones=ZoneOffsets())
    return BrowsingFeatures(version=version, built_at=time.time(), taxonomy=taxonomy, mentors=mentors)


def browsing_features() -> BrowsingFeatures:
    """The cached mentor arrays: no SQL when warm, one cache read to check the version."""
    global _memo
    version = _current_version()
    ttl = _ttl_seconds()
    memo = _memo
    if memo is not None and memo.version == version and time.time() - memo.built_at < ttl:
        return memo
    with _build_lock:  # one rebuild per process at a time; other threads wait and reuse it
        memo = _memo
        if memo is not None and memo.version == version and time.time() - memo.built_at < ttl:
            return memo
        key = DATA_KEY.format(version=version)
        cached = cache.get(key)
        if isinstance(cached, BrowsingFeatures) and time.time() - cached.built_at < ttl:
            _memo = cached
            return cached
        fresh = build_browsing_features(version)
        cache.set(key, fresh, ttl)
        _memo = fresh
        return fresh
