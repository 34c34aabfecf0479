"""The one digest every stage uses to tell whether something changed: 32 hex digits of BLAKE2b."""
from __future__ import annotations

import hashlib


def digest(*parts: str | bytes) -> str:
    """The digest of `parts`, each ended by a zero byte (so ("ab", "c") and ("a", "bc") differ). Hashed in
    one call: a digest of every decision's key has tens of thousands of parts."""
    joined = b"\0".join([part.encode("utf-8") if isinstance(part, str) else part for part in parts])
    return hashlib.blake2b(joined + b"\0", digest_size=16).hexdigest()
