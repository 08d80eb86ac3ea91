"""Random operation sequences on the dict proxy and a builtin dict, compared."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from ray.actor import ActorHandle

from skyward.distributed.proxies import DictProxy
from skyward.distributed.proxies.dict import MISSING, Missing
from tests.conftest import open_collection

keys = st.sampled_from(["a", "b", "c", "d"])
values = st.one_of(st.integers(-5, 5), st.none())
pairs = st.lists(st.tuples(keys, values), max_size=4)


def outcome(action: Callable[[], object]) -> tuple[str, object]:
    """Return what ``action`` returned, or the type of what it raised.

    A KeyError's args (the key) count too, except for ``popitem``, whose
    message names the collection.
    """
    try:
        return "returned", action()
    except KeyError as exc:
        message = str(exc.args[0]) if exc.args else ""
        return "KeyError", () if message.startswith("popitem") else exc.args
    except Exception as exc:  # noqa: BLE001  # the model and proxy must agree
        return type(exc).__name__, ()


def bump(old: int | None | Missing) -> int | None | Missing:
    """Add one to an int, delete a None, start a missing key at zero."""
    if old is MISSING:
        return 0
    if old is None:
        return MISSING
    return old + 1


class DictModel(RuleBasedStateMachine):
    """Applies each rule to the proxy and to a builtin dict."""

    proxy: DictProxy[str, int | None]

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, int | None] = {}

    @initialize()
    def start_empty(self) -> None:
        self.proxy.clear()

    def check(
        self,
        on_proxy: Callable[[], object],
        on_model: Callable[[], object],
    ) -> None:
        assert outcome(on_proxy) == outcome(on_model)

    @rule(key=keys, value=values)
    def setitem(self, key: str, value: int | None) -> None:
        self.proxy[key] = value
        self.model[key] = value

    @rule(key=keys)
    def delitem(self, key: str) -> None:
        self.check(
            lambda: self.proxy.__delitem__(key),
            lambda: self.model.__delitem__(key),
        )

    @rule(key=keys)
    def getitem(self, key: str) -> None:
        self.check(lambda: self.proxy[key], lambda: self.model[key])

    @rule(key=keys)
    def get(self, key: str) -> None:
        assert self.proxy.get(key, -1) == self.model.get(key, -1)

    @rule(key=keys)
    def contains(self, key: str) -> None:
        assert (key in self.proxy) == (key in self.model)

    @rule(key=keys)
    def pop(self, key: str) -> None:
        self.check(lambda: self.proxy.pop(key), lambda: self.model.pop(key))

    @rule(key=keys, default=values)
    def pop_default(self, key: str, default: int | None) -> None:
        assert self.proxy.pop(key, default) == self.model.pop(key, default)

    @rule()
    def popitem(self) -> None:
        self.check(self.proxy.popitem, self.model.popitem)

    @rule(key=keys, value=values)
    def setdefault(self, key: str, value: int | None) -> None:
        assert self.proxy.setdefault(key, value) == self.model.setdefault(key, value)

    @rule(items=pairs, extra=st.dictionaries(keys, values, max_size=2))
    def update(
        self, items: list[tuple[str, int | None]], extra: dict[str, Any]
    ) -> None:
        self.proxy.update(items, **extra)
        self.model.update(items, **extra)

    @rule()
    def clear(self) -> None:
        self.proxy.clear()
        self.model.clear()

    @rule(key=keys, value=st.integers(-5, 5))
    def merge(self, key: str, value: int) -> None:
        def merge_model() -> object:
            new = operator.add(self.model[key], value) if key in self.model else value
            self.model[key] = new
            return new

        self.check(lambda: self.proxy.merge(key, value, operator.add), merge_model)

    @rule(items=pairs)
    def merge_many(self, items: list[tuple[str, int | None]]) -> None:
        def merge_model() -> None:
            merged = dict(self.model)
            for key, value in items:
                merged[key] = (
                    operator.add(merged[key], value) if key in merged else value
                )
            self.model = merged

        self.check(lambda: self.proxy.merge_many(items, operator.add), merge_model)

    @rule(key=keys)
    def compute(self, key: str) -> None:
        def compute_model() -> object:
            new = bump(self.model.get(key, MISSING))
            if new is MISSING:
                self.model.pop(key, None)
            else:
                self.model[key] = new
            return new

        self.check(lambda: self.proxy.compute(key, bump), compute_model)

    @rule(requested=st.lists(keys, max_size=3))
    def get_many(self, requested: list[str]) -> None:
        expected = {key: self.model[key] for key in requested if key in self.model}
        assert self.proxy.get_many(requested) == expected

    @invariant()
    def same_items_in_same_order(self) -> None:
        assert list(self.proxy.copy().items()) == list(self.model.items())


def test_dict_matches_builtin(host: ActorHandle) -> None:
    DictModel.proxy = open_collection(host, DictProxy)
    run_state_machine_as_test(
        DictModel,
        settings=settings(
            max_examples=30,
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
