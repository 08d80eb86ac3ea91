"""Random operation sequences on a proxy and on the builtin type side by side.

Each step applies one operation to a proxy and to a local ``list`` or
``set`` (the model), checks that both return the same value or raise the
same exception type, and then that the proxy's contents equal the model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from ray.actor import ActorHandle

from skyward.distributed.proxies import ListProxy, SetProxy
from skyward.distributed.types import Consistency
from tests.conftest import open_collection

RUNS = settings(
    max_examples=12,
    stateful_step_count=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

values = st.one_of(st.none(), st.integers(min_value=-3, max_value=3))
value_lists = st.lists(values, max_size=5)
indices = st.integers(min_value=-7, max_value=7)
slice_bounds = st.one_of(st.none(), indices)
steps = st.one_of(st.none(), st.sampled_from([-3, -2, -1, 1, 2, 3]))
int_sets = st.frozensets(st.integers(min_value=0, max_value=8), max_size=5)


def outcome(operation: Callable[[], Any]) -> tuple[str, Any]:
    """Return ``("ok", result)`` or ``("raised", exception type)``."""
    try:
        return "ok", operation()
    except Exception as exc:  # noqa: BLE001  # the type is what is compared
        return "raised", type(exc)


class _OnHost(RuleBasedStateMachine):
    """A machine whose collections open on ``host`` with ``consistency``."""

    host: ClassVar[ActorHandle]
    consistency: ClassVar[Consistency]


def bound(
    machine: type[_OnHost], host: ActorHandle, consistency: Consistency
) -> type[_OnHost]:
    """Return a subclass of ``machine`` that opens collections on ``host``."""
    namespace = {"host": host, "consistency": consistency}
    return type(machine.__name__, (machine,), namespace)


class ListMachine(_OnHost):
    def __init__(self) -> None:
        super().__init__()
        self.proxy: ListProxy[Any] = open_collection(
            self.host, ListProxy, consistency=self.consistency
        )
        self.model: list[Any] = []

    def same(self, on_proxy: Callable[[], Any], on_model: Callable[[], Any]) -> None:
        assert outcome(on_proxy) == outcome(on_model)

    @rule(value=values)
    def append(self, value: Any) -> None:
        self.same(
            lambda: self.proxy.append(value),
            lambda: self.model.append(value),
        )

    @rule(items=value_lists)
    def extend(self, items: list[Any]) -> None:
        self.same(
            lambda: self.proxy.extend(items),
            lambda: self.model.extend(items),
        )

    @rule(items=value_lists)
    def iadd(self, items: list[Any]) -> None:
        self.proxy += items
        self.model += items

    @rule(n=st.integers(min_value=-1, max_value=2))
    def imul(self, n: int) -> None:
        self.proxy *= n
        self.model *= n

    @rule(index=indices, value=values)
    def insert(self, index: int, value: Any) -> None:
        self.same(
            lambda: self.proxy.insert(index, value),
            lambda: self.model.insert(index, value),
        )

    @rule(index=indices)
    def pop(self, index: int) -> None:
        self.same(lambda: self.proxy.pop(index), lambda: self.model.pop(index))

    @rule()
    def pop_last(self) -> None:
        self.same(self.proxy.pop, self.model.pop)

    @rule(value=values)
    def remove(self, value: Any) -> None:
        self.same(lambda: self.proxy.remove(value), lambda: self.model.remove(value))

    @rule(index=indices, value=values)
    def setitem(self, index: int, value: Any) -> None:
        def on_proxy() -> None:
            self.proxy[index] = value

        def on_model() -> None:
            self.model[index] = value

        self.same(on_proxy, on_model)

    @rule(start=slice_bounds, stop=slice_bounds, step=steps, items=value_lists)
    def setitem_slice(
        self, start: int | None, stop: int | None, step: int | None, items: list[Any]
    ) -> None:
        def on_proxy() -> None:
            self.proxy[start:stop:step] = items

        def on_model() -> None:
            self.model[start:stop:step] = items

        self.same(on_proxy, on_model)

    @rule(index=indices)
    def delitem(self, index: int) -> None:
        def on_proxy() -> None:
            del self.proxy[index]

        def on_model() -> None:
            del self.model[index]

        self.same(on_proxy, on_model)

    @rule(start=slice_bounds, stop=slice_bounds, step=steps)
    def delitem_slice(
        self, start: int | None, stop: int | None, step: int | None
    ) -> None:
        def on_proxy() -> None:
            del self.proxy[start:stop:step]

        def on_model() -> None:
            del self.model[start:stop:step]

        self.same(on_proxy, on_model)

    @rule(index=indices)
    def getitem(self, index: int) -> None:
        self.same(lambda: self.proxy[index], lambda: self.model[index])

    @rule(start=slice_bounds, stop=slice_bounds, step=steps)
    def getitem_slice(
        self, start: int | None, stop: int | None, step: int | None
    ) -> None:
        self.same(
            lambda: self.proxy[start:stop:step], lambda: self.model[start:stop:step]
        )

    @rule(value=values, start=indices, stop=indices)
    def index(self, value: Any, start: int, stop: int) -> None:
        self.same(
            lambda: self.proxy.index(value, start, stop),
            lambda: self.model.index(value, start, stop),
        )

    @rule(value=values)
    def count_and_contains(self, value: Any) -> None:
        assert self.proxy.count(value) == self.model.count(value)
        assert (value in self.proxy) == (value in self.model)

    @rule()
    def reverse(self) -> None:
        self.proxy.reverse()
        self.model.reverse()

    @rule(reverse=st.booleans())
    def sort(self, reverse: bool) -> None:
        # None and ints do not compare, so sort by a key that handles both.
        self.same(
            lambda: self.proxy.sort(key=_none_first, reverse=reverse),
            lambda: self.model.sort(key=_none_first, reverse=reverse),
        )

    @rule()
    def clear(self) -> None:
        self.proxy.clear()
        self.model.clear()

    @rule(other=value_lists)
    def compare(self, other: list[Any]) -> None:
        assert (self.proxy == other) == (self.model == other)
        assert (self.proxy + other) == (self.model + other)

    @invariant()
    def same_items(self) -> None:
        assert self.proxy.copy() == self.model


def _none_first(value: int | None) -> tuple[bool, int]:
    return (value is not None, value or 0)


class SetMachine(_OnHost):
    def __init__(self) -> None:
        super().__init__()
        self.proxy: SetProxy[int] = open_collection(
            self.host, SetProxy, consistency=self.consistency
        )
        self.model: set[int] = set()

    def same(self, on_proxy: Callable[[], Any], on_model: Callable[[], Any]) -> None:
        assert outcome(on_proxy) == outcome(on_model)

    @rule(value=st.integers(min_value=0, max_value=8))
    def add(self, value: int) -> None:
        self.proxy.add(value)
        self.model.add(value)

    @rule(value=st.integers(min_value=0, max_value=8))
    def add_new(self, value: int) -> None:
        added = value not in self.model
        self.model.add(value)
        assert self.proxy.add_new(value) is added

    @rule(value=st.integers(min_value=0, max_value=8))
    def discard(self, value: int) -> None:
        self.proxy.discard(value)
        self.model.discard(value)

    @rule(value=st.integers(min_value=0, max_value=8))
    def remove(self, value: int) -> None:
        self.same(lambda: self.proxy.remove(value), lambda: self.model.remove(value))

    @rule()
    def pop(self) -> None:
        kind, result = outcome(self.proxy.pop)
        if kind == "raised":
            assert result is KeyError
            assert not self.model
        else:
            self.model.remove(result)

    @rule(others=st.lists(int_sets, max_size=3))
    def update(self, others: list[frozenset[int]]) -> None:
        self.proxy.update(*others)
        self.model.update(*others)

    @rule(others=st.lists(int_sets, max_size=3))
    def intersection_update(self, others: list[frozenset[int]]) -> None:
        self.proxy.intersection_update(*others)
        self.model.intersection_update(*others)

    @rule(others=st.lists(int_sets, max_size=3))
    def difference_update(self, others: list[frozenset[int]]) -> None:
        self.proxy.difference_update(*others)
        self.model.difference_update(*others)

    @rule(other=int_sets)
    def symmetric_difference_update(self, other: frozenset[int]) -> None:
        self.proxy.symmetric_difference_update(other)
        self.model.symmetric_difference_update(other)

    @rule(other=int_sets, op=st.sampled_from(["|=", "&=", "-=", "^="]))
    def inplace(self, other: frozenset[int], op: str) -> None:
        if op == "|=":
            self.proxy |= other
            self.model |= other
        elif op == "&=":
            self.proxy &= other
            self.model &= other
        elif op == "-=":
            self.proxy -= other
            self.model -= other
        else:
            self.proxy ^= other
            self.model ^= other

    @rule(other=int_sets)
    def operators(self, other: frozenset[int]) -> None:
        assert self.proxy | other == self.model | other
        assert self.proxy & other == self.model & other
        assert self.proxy - other == self.model - other
        assert other - self.proxy == other - self.model
        assert self.proxy ^ other == self.model ^ other

    @rule(other=int_sets)
    def comparisons(self, other: frozenset[int]) -> None:
        assert (self.proxy == other) == (self.model == other)
        assert (self.proxy <= other) == (self.model <= other)
        assert (self.proxy < other) == (self.model < other)
        assert (self.proxy >= other) == (self.model >= other)
        assert (self.proxy > other) == (self.model > other)
        assert self.proxy.isdisjoint(other) == self.model.isdisjoint(other)

    @rule(value=st.integers(min_value=0, max_value=8))
    def contains(self, value: int) -> None:
        assert (value in self.proxy) == (value in self.model)

    @rule()
    def clear(self) -> None:
        self.proxy.clear()
        self.model.clear()

    @invariant()
    def same_members(self) -> None:
        assert self.proxy.copy() == self.model


@pytest.mark.parametrize("consistency", ["strong", "eventual"])
def test_list_matches_builtin(host: ActorHandle, consistency: Consistency) -> None:
    run_state_machine_as_test(bound(ListMachine, host, consistency), settings=RUNS)


@pytest.mark.parametrize("consistency", ["strong", "eventual"])
def test_set_matches_builtin(host: ActorHandle, consistency: Consistency) -> None:
    run_state_machine_as_test(bound(SetMachine, host, consistency), settings=RUNS)
