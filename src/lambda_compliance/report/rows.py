"""Lists whose items are made when read: a report document's long lists without holding them.

A scan of thousands of functions has hundreds of thousands of evaluations, and the document repeats
each failing one per framework and clause. ``Rows`` keeps only what each item is made from (a compact
engine ``Result``, an index) and builds the item's dict each time it is read; it is a ``list`` to every
reader (``json``, Jinja, ``csv``, tests comparing with ``==``), never to a writer: nothing appends to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any


class Rows(list):  # type: ignore[type-arg]
    __slots__ = ("_keys", "_make")

    def __init__(self, keys: Sequence[Any], make: Callable[[Any], Any]) -> None:
        super().__init__()
        self._keys = keys
        self._make = make

    def __len__(self) -> int:
        return len(self._keys)

    def __bool__(self) -> bool:
        return len(self._keys) > 0

    def __iter__(self) -> Iterator[Any]:
        return map(self._make, self._keys)

    def __reversed__(self) -> Iterator[Any]:
        return map(self._make, reversed(self._keys))

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self._make(k) for k in self._keys[index]]
        return self._make(self._keys[index])

    def __contains__(self, item: object) -> bool:
        return any(item == x for x in self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, list) and list(iter(self)) == list(iter(other))

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(list(iter(self)))

    def __copy__(self) -> list[Any]:
        return list(iter(self))

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        import copy

        return copy.deepcopy(list(iter(self)), memo)

    def __reduce__(self) -> Any:
        return (list, (list(iter(self)),))

    @classmethod
    def chain(cls, parts: Iterable[Sequence[Any]]) -> Rows:
        """The items of ``parts`` one after another (each part read again on every pass)."""
        parts = list(parts)
        return _Chain(parts)


class _Chain(Rows):
    __slots__ = ("_parts",)

    def __init__(self, parts: list[Sequence[Any]]) -> None:
        list.__init__(self)
        self._parts = parts
        self._keys = ()
        self._make = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return sum(len(p) for p in self._parts)

    def __bool__(self) -> bool:
        return any(len(p) for p in self._parts)

    def __iter__(self) -> Iterator[Any]:
        return chain.from_iterable(self._parts)

    def __reversed__(self) -> Iterator[Any]:
        return reversed(list(iter(self)))

    def __getitem__(self, index: Any) -> Any:
        return list(iter(self))[index]
