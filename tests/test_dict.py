"""Dict proxy against a real host actor."""

from __future__ import annotations

import asyncio
import operator
import pickle
import threading
from collections.abc import Callable, ItemsView, KeysView, MutableMapping, ValuesView
from typing import Any

import pytest
import ray
from ray.actor import ActorHandle

from skyward.distributed.endpoint import call_count
from skyward.distributed.proxies import DictProxy
from skyward.distributed.proxies.dict import MISSING, Missing
from skyward.distributed.state.base import PAGE_SIZE
from tests.conftest import open_collection


def costs(action: Callable[[], object]) -> int:
    """Return how many host calls ``action`` sends."""
    before = call_count()
    action()
    return call_count() - before


# Basic mapping behaviour.


def test_dict_is_mutable_mapping(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    assert isinstance(d, MutableMapping)


def test_setitem_then_getitem(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["a"] = "one"
    d["b"] = 2
    assert d["a"] == "one"
    assert d["b"] == 2


def test_getitem_missing_raises_keyerror(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(KeyError) as info:
        d["absent"]
    assert info.value.args == ("absent",)


def test_contains(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["here"] = True
    assert "here" in d
    assert "gone" not in d


def test_len_counts_keys(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    assert len(d) == 0
    d["a"] = 1
    d["b"] = 2
    d["a"] = 3
    assert len(d) == 2


def test_bool_follows_len(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    assert not d
    d["a"] = 1
    assert d


def test_delitem_removes_key(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["k"] = "v"
    del d["k"]
    assert "k" not in d


def test_delitem_missing_raises_keyerror(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, consistency="eventual")
    with pytest.raises(KeyError) as info:
        del d["absent"]
    assert info.value.args == ("absent",)


def test_none_is_a_value(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["k"] = None
    assert "k" in d
    assert d["k"] is None
    assert d.get("k", "default") is None
    assert d.pop("k", "default") is None


def test_get_default(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["k"] = "v"
    assert d.get("missing") is None
    assert d.get("missing", "fallback") == "fallback"
    assert d.get("k") == "v"


def test_get_default_not_sent(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    unpicklable = threading.Lock()
    assert d.get("missing", unpicklable) is unpicklable


def test_iteration_keeps_insertion_order(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    for key in "cab":
        d[key] = key.upper()
    assert list(d) == ["c", "a", "b"]
    assert list(reversed(d)) == ["b", "a", "c"]


def test_repr_names_collection(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, name="dict-repr-test")
    assert repr(d) == "<DictProxy 'dict-repr-test' strong>"


def test_proxy_is_unhashable(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(TypeError):
        hash(d)


def test_proxy_survives_pickle(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["k"] = 1
    copy: DictProxy[str, int] = pickle.loads(pickle.dumps(d))
    assert copy["k"] == 1


# Compound methods of MutableMapping.


def test_pop(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["k"] = "v"
    assert d.pop("k") == "v"
    assert "k" not in d
    assert d.pop("k", "default") == "default"


def test_pop_missing_raises_keyerror(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(KeyError) as info:
        d.pop("absent")
    assert info.value.args == ("absent",)


def test_popitem_is_lifo(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update([("a", 1), ("b", 2)])
    assert d.popitem() == ("b", 2)
    assert d.popitem() == ("a", 1)


def test_popitem_empty_raises_keyerror(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(KeyError, match="sky.dict"):
        d.popitem()


def test_setdefault(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    assert d.setdefault("k", 1) == 1
    assert d.setdefault("k", 2) == 1
    assert d.setdefault("n") is None
    assert d["n"] is None


def test_update_from_mapping(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update({"a": 1, "b": 2, "c": 3})
    assert d.copy() == {"a": 1, "b": 2, "c": 3}


def test_update_from_pairs_and_kwargs(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update([("a", 1), ("b", 2)], b=20, c=30)
    assert d.copy() == {"a": 1, "b": 20, "c": 30}


def test_update_from_keys_object(host: ActorHandle) -> None:
    class KeysOnly:
        def keys(self) -> list[str]:
            return ["x"]

        def __getitem__(self, key: str) -> int:
            return 7

    d = open_collection(host, DictProxy)
    d.update(KeysOnly())
    assert d.copy() == {"x": 7}


def test_update_from_other_proxy(host: ActorHandle) -> None:
    source = open_collection(host, DictProxy)
    source.update(a=1, b=2)
    d = open_collection(host, DictProxy)
    d.update(source)
    assert d.copy() == {"a": 1, "b": 2}


def test_update_bad_pair_length(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(ValueError, match="element #1 has length 3"):
        d.update([("a", 1), ("b", 2, 3)])  # type: ignore[list-item]
    assert len(d) == 0


def test_update_non_iterable(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(TypeError, match="sky.dict"):
        d.update(42)  # type: ignore[call-overload]
    assert len(d) == 0


def test_clear_empties(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update(a=1, b=2)
    d.clear()
    assert len(d) == 0


# Equality, copies and the "|" operators.


def test_eq_with_dict(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update(a=1, b=2)
    assert d == {"b": 2, "a": 1}
    assert d != {"a": 1}
    assert d != [("a", 1), ("b", 2)]


def test_eq_with_other_proxy(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    other = open_collection(host, DictProxy)
    d["a"] = 1
    other["a"] = 1
    assert d == other
    other["a"] = 2
    assert d != other


def test_copy_is_builtin_dict(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["a"] = 1
    snapshot = d.copy()
    d["a"] = 2
    assert type(snapshot) is dict
    assert snapshot == {"a": 1}


def test_or_returns_dict(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update(a=1, b=2)
    merged = d | {"b": 20, "c": 30}
    assert type(merged) is dict
    assert merged == {"a": 1, "b": 20, "c": 30}
    assert len(d) == 2


def test_ror_returns_dict(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update(a=1, b=2)
    merged = {"b": 20, "c": 30} | d
    assert type(merged) is dict
    assert merged == {"b": 2, "c": 30, "a": 1}


def test_ior_updates_in_place(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    same = d
    d |= {"a": 1}
    d |= [("b", 2)]
    assert d is same
    assert d.copy() == {"a": 1, "b": 2}


def test_or_rejects_non_mapping(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(TypeError):
        d | [("a", 1)]  # type: ignore[operator]


# Views.


def test_views_are_stdlib_views(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    assert isinstance(d.keys(), KeysView)
    assert isinstance(d.values(), ValuesView)
    assert isinstance(d.items(), ItemsView)


def test_views_list_contents(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update({"x": 10, "y": 20})
    assert list(d.keys()) == ["x", "y"]
    assert list(d.values()) == [10, 20]
    assert list(d.items()) == [("x", 10), ("y", 20)]


def test_views_are_live(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    keys, values, items = d.keys(), d.values(), d.items()
    d["k"] = "v"
    assert len(keys) == 1
    assert "k" in keys
    assert "v" in values
    assert ("k", "v") in items
    assert ("k", "other") not in items
    assert "k" not in values


def test_items_contains_rejects_non_pairs(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["k"] = "v"
    assert ["k", "v"] not in d.items()  # type: ignore[comparison-overlap]
    assert ("k",) not in d.items()  # type: ignore[comparison-overlap]


def test_keys_set_operations(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update(a=1, b=2, c=3)
    keys = d.keys()
    assert keys & {"a", "z"} == {"a"}
    assert keys | ["z"] == {"a", "b", "c", "z"}
    assert keys - {"a"} == {"b", "c"}
    assert {"a", "z"} - keys == {"z"}
    assert keys ^ {"a", "z"} == {"b", "c", "z"}
    assert keys == {"a", "b", "c"}
    assert keys <= {"a", "b", "c", "d"}
    assert keys > {"a"}
    assert keys.isdisjoint(["x", "y"])


def test_items_set_operations(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update(a=1, b=2)
    items = d.items()
    assert items & {("a", 1), ("b", 9)} == {("a", 1)}
    assert items - {("a", 1)} == {("b", 2)}
    assert items == {("a", 1), ("b", 2)}


# Atomic read-modify-write on the host.


def test_merge_counts_words(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, types=(str, int))
    for word in ["a", "b", "a", "a"]:
        d.merge(word, 1, operator.add)
    assert d.copy() == {"a": 3, "b": 1}


def test_merge_returns_new_value(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    assert d.merge("n", 5, operator.add) == 5
    assert d.merge("n", 2, operator.add) == 7


def test_merge_error_keeps_key(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["n"] = 1

    def fail(old: int, new: int) -> int:
        raise ZeroDivisionError(old)

    with pytest.raises(ZeroDivisionError):
        d.merge("n", 2, fail)
    assert d["n"] == 1


def test_merge_many(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["a"] = 1
    d.merge_many({"a": 10, "b": 20}, operator.add)
    d.merge_many([("b", 1), ("b", 1)], operator.add)
    assert d.copy() == {"a": 11, "b": 22}


def test_merge_many_error_changes_nothing(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update(a=1, b=2)
    with pytest.raises(TypeError):
        d.merge_many({"a": 1, "b": "x"}, operator.add)
    assert d.copy() == {"a": 1, "b": 2}


def test_merge_many_error_raises_later(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, consistency="eventual")
    d["a"] = 1
    d.merge_many({"a": "x"}, operator.add)
    with pytest.raises(TypeError, match="unsupported operand"):
        len(d)
    assert d["a"] == 1


def test_merge_many_error_raises_on_flush(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, consistency="eventual")
    d["a"] = 1
    d.merge_many({"a": "x"}, operator.add)
    with pytest.raises(TypeError):
        d.flush()
    d.flush()


def test_compute_sees_missing(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)

    def bump(old: int | Missing) -> int:
        return 1 if old is MISSING else old + 1

    assert d.compute("n", bump) == 1
    assert d.compute("n", bump) == 2
    assert d["n"] == 2


def test_compute_missing_deletes(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["n"] = 1
    assert d.compute("n", lambda old: MISSING) is MISSING
    assert "n" not in d


def test_compute_error_keeps_key(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["n"] = 1
    with pytest.raises(TypeError):
        d.compute("n", lambda old: old + "x")  # type: ignore[operator]
    assert d["n"] == 1


def test_get_many_omits_missing(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.update(a=1, b=None)
    assert d.get_many(["a", "b", "z"]) == {"a": 1, "b": None}


def test_merge_from_workers(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)

    @ray.remote(num_cpus=0)
    def count(proxy: DictProxy[str, int], n: int) -> None:
        for _ in range(n):
            proxy.merge("hits", 1, operator.add)

    ray.get([count.remote(d, 50), count.remote(d, 50)])
    assert d["hits"] == 100


# Consistency.


def test_eventual_writes_apply_in_order(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, consistency="eventual")
    for i in range(100):
        d["k"] = i
    d.update(extra=True)
    del d["extra"]
    assert d.copy() == {"k": 99}


def test_flush_applies_eventual_writes(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, consistency="eventual")
    d["a"] = 1
    d.clear()
    d.flush()
    assert len(d) == 0


# Checks made before anything is sent.


def test_unhashable_key_rejected(host: ActorHandle) -> None:
    d: DictProxy[str, int] = open_collection(host, DictProxy)
    with pytest.raises(TypeError, match="unhashable"):
        d[["a"]] = 1  # type: ignore[index]
    with pytest.raises(TypeError, match="unhashable"):
        ["a"] in d  # type: ignore[comparison-overlap]  # noqa: B015
    assert len(d) == 0


def test_wrong_key_type_rejected(host: ActorHandle) -> None:
    d: DictProxy[str, int] = open_collection(host, DictProxy, types=(str, int))
    with pytest.raises(TypeError, match=r"sky\.dict .*key 1 is not of type str"):
        d[1] = 1  # type: ignore[index]
    assert len(d) == 0


def test_wrong_value_type_rejected(host: ActorHandle) -> None:
    d: DictProxy[str, int] = open_collection(host, DictProxy, types=(str, int))
    with pytest.raises(TypeError, match=r"value 'x' is not of type int"):
        d["a"] = "x"  # type: ignore[assignment]
    assert len(d) == 0


def test_update_with_one_bad_value_writes_nothing(host: ActorHandle) -> None:
    d: DictProxy[str, int] = open_collection(host, DictProxy, types=(str, int))
    d["keep"] = 0
    with pytest.raises(TypeError, match="'bad'"):
        d.update({"a": 1, "b": "bad", "c": 3})  # type: ignore[dict-item]
    assert d.copy() == {"keep": 0}


@pytest.mark.parametrize(
    "write",
    [
        lambda d: d.setdefault("a", "x"),
        lambda d: d.merge("a", "x", operator.add),
        lambda d: d.merge_many({"a": "x"}, operator.add),
        lambda d: d.update(a="x"),
        lambda d: d.__ior__({"a": "x"}),
    ],
)
def test_typed_writes_check_values(
    host: ActorHandle, write: Callable[[DictProxy[str, int]], object]
) -> None:
    d = open_collection(host, DictProxy, types=(str, int))
    with pytest.raises(TypeError, match="is not of type int"):
        write(d)
    assert len(d) == 0


@pytest.mark.parametrize(
    "write",
    [
        lambda d: d.__setitem__(["unhashable"], 1),
        lambda d: d.__setitem__(1, 1),
        lambda d: d.update({"a": 1, "b": "x"}),
        lambda d: d.get_many(["a", ["unhashable"]]),
    ],
)
def test_rejected_write_sends_nothing(
    host: ActorHandle, write: Callable[[DictProxy[Any, Any]], object]
) -> None:
    d = open_collection(host, DictProxy, types=(str, int))

    def attempt() -> None:
        with pytest.raises(TypeError):
            write(d)

    assert costs(attempt) == 0


def test_unpicklable_value_rejected(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(TypeError, match="cannot pickle .*_thread.lock"):
        d.update(a=1, lock=threading.Lock())
    assert len(d) == 0


# Cost: one call per operation, one per page when iterating.


@pytest.mark.parametrize(
    "operation",
    [
        lambda d: d["a"],
        lambda d: d.__setitem__("z", 0),
        lambda d: d.__delitem__("a"),
        lambda d: len(d),
        lambda d: "a" in d,
        lambda d: d.get("a"),
        lambda d: d.get("missing", 0),
        lambda d: d == {"a": 1},
        lambda d: len(d.keys()),
        lambda d: "a" in d.keys(),
        lambda d: 1 in d.values(),
        lambda d: ("a", 1) in d.items(),
        lambda d: d.keys() & {"a"},
        lambda d: d.items() == {("a", 1)},
        lambda d: list(iter(d)),
        lambda d: list(iter(d.values())),
        lambda d: d.pop("a"),
        lambda d: d.pop("missing", None),
        lambda d: d.popitem(),
        lambda d: d.setdefault("a", 0),
        lambda d: d.update({"x": 1}, y=2),
        lambda d: d.clear(),
        lambda d: d.copy(),
        lambda d: d | {"x": 1},
        lambda d: {"x": 1} | d,
        lambda d: d.__ior__({"x": 1}),
        lambda d: d.get_many(["a", "b"]),
        lambda d: d.merge("a", 1, operator.add),
        lambda d: d.merge_many({"a": 1, "b": 2}, operator.add),
        lambda d: d.compute("a", lambda old: 0),
    ],
)
def test_operation_costs_one_call(
    host: ActorHandle, operation: Callable[[DictProxy[str, int]], object]
) -> None:
    d = open_collection(host, DictProxy)
    d.update(a=1, b=2)
    assert costs(lambda: operation(d)) == 1


def test_repr_costs_no_call(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    assert costs(lambda: repr(d)) == 0


def test_iteration_costs_one_call_per_page(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    n = 2 * PAGE_SIZE + 5
    d.update((i, i) for i in range(n))
    keys: list[Any] = []
    assert costs(lambda: keys.extend(iter(d))) == 3
    assert keys == list(range(n))
    assert costs(d.copy) == 3


# Async forms.


def test_async_forms(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)

    async def run() -> dict[str, Any]:
        await d.set_async("a", 1)
        await d.update_async({"b": 2}, c=3)
        return {
            "get": await d.get_async("a"),
            "default": await d.get_async("z", 0),
            "getitem": await d.getitem_async("b"),
            "len": await d.len_async(),
            "contains": await d.contains_async("c"),
            "keys": await d.keys_async(),
            "values": await d.values_async(),
            "items": await d.items_async(),
            "setdefault": await d.setdefault_async("s", 9),
            "merge": await d.merge_async("a", 10, operator.add),
            "compute": await d.compute_async("c", lambda old: MISSING),
            "get_many": await d.get_many_async(["a", "c"]),
            "pop": await d.pop_async("b"),
            "pop_default": await d.pop_async("b", None),
            "popitem": await d.popitem_async(),
        }

    results = asyncio.run(run())
    assert results == {
        "get": 1,
        "default": 0,
        "getitem": 2,
        "len": 3,
        "contains": True,
        "keys": ["a", "b", "c"],
        "values": [1, 2, 3],
        "items": [("a", 1), ("b", 2), ("c", 3)],
        "setdefault": 9,
        "merge": 11,
        "compute": MISSING,
        "get_many": {"a": 11},
        "pop": 2,
        "pop_default": None,
        "popitem": ("s", 9),
    }


def test_async_delete_and_clear(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)

    async def run() -> tuple[dict[str, int], int]:
        await d.update_async(a=1, b=2)
        await d.delete_async("a")
        await d.merge_many_async({"b": 1}, operator.add)
        remaining = await d.copy_async()
        await d.clear_async()
        return remaining, await d.len_async()

    remaining, length = asyncio.run(run())
    assert remaining == {"b": 3}
    assert length == 0


def test_async_delete_missing_raises(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(KeyError):
        asyncio.run(d.delete_async("absent"))
