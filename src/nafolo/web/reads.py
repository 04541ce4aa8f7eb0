"""Independent reads of one page run side by side: each waits mostly on the database, so a page
that needs five read models costs about the slowest of them rather than their sum."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="nafolo-web-read")


def together(**reads: Callable[[], Any]) -> dict[str, Any]:
    """Run each read in the pool; their results by name (the first error is raised)."""
    futures = {name: _POOL.submit(read) for name, read in reads.items()}
    return {name: future.result() for name, future in futures.items()}
