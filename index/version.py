"""The index version: how one replica learns that another changed the index.

Every indexing run that adds or removes chunks writes a new version string into the chunk
collection's metadata, in the same store as the chunks. Each serving process reads it every
few seconds (``Assistant.follow_index``) and, when it differs from the version its derived
indexes were built from, rebuilds them. On a Chroma server that is one small HTTP request per
process per interval; no message bus, nothing to configure beside the store they share.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

VERSION_KEY = "index_version"


class IndexVersion:
    """Read and bump the version recorded in the metadata of collection ``name``."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name

    def read(self) -> str:
        """The current version ("" for an index no run has versioned yet)."""
        meta = self.client.get_collection(name=self.name).metadata or {}
        return str(meta.get(VERSION_KEY, ""))

    def bump(self) -> str:
        """Record a new version (after a run that changed chunks) and return it.

        The metadata is re-read first: ``modify`` replaces all of it, and a collection object
        held since start-up may carry stale metadata.
        """
        version = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        collection = self.client.get_collection(name=self.name)
        collection.modify(metadata={**(collection.metadata or {}), VERSION_KEY: version})
        return version
