"""Arrays kept from one chunk of scenarios to the next.

A chunk of 2,048 scenarios over 26 weeks fills about 38 MB of fresh arrays (uniforms, disruptions,
outcomes). Fresh memory costs a page fault and a page of zeros per 4 KB: on the Mali network that
was 10 % of a one-core run. A chunk loop that hands the same `Workspace` to every `sample` and
`evaluate` call touches new memory once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from numpy.typing import DTypeLike, NDArray

S = TypeVar("S")
T = TypeVar("T")


class Workspace:
    """Named arrays handed out again while their shape and type stay the same.

    Whatever `sample` or `evaluate` returns when given a workspace lives in it and is
    overwritten by the next call given the same workspace: copy what must outlive that
    (`run.write_compact` into a `run.compact_outcome` does). A workspace serves one thread at a
    time.
    """

    def __init__(self) -> None:
        self._arrays: dict[str, NDArray[Any]] = {}
        self._derived: dict[str, tuple[object, Any]] = {}

    def empty(self, name: str, shape: tuple[int, ...], dtype: DTypeLike) -> NDArray[Any]:
        """An uninitialised array `name` of this shape and type, the previous one if it fits."""
        kept = self._arrays.get(name)
        if kept is None or kept.shape != shape or kept.dtype != np.dtype(dtype):
            kept = np.empty(shape, dtype=dtype)
            self._arrays[name] = kept
        return kept

    def derived(self, name: str, source: S, build: Callable[[S], T]) -> T:
        """`build(source)`, computed once while `source` is the same object (which the
        workspace keeps meanwhile, so its identity stands; it must not change in place)."""
        kept = self._derived.get(name)
        if kept is None or kept[0] is not source:
            kept = (source, build(source))
            self._derived[name] = kept
        value: T = kept[1]
        return value


def empty(
    workspace: Workspace | None, name: str, shape: tuple[int, ...], dtype: DTypeLike
) -> NDArray[Any]:
    """`workspace.empty(…)`, or a fresh array without a workspace."""
    if workspace is None:
        return np.empty(shape, dtype=dtype)
    return workspace.empty(name, shape, dtype)
