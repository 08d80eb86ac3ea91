"""Set proxy against a real host actor."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable, MutableSet
from typing import Any, NoReturn, assert_type

import pytest
from ray.actor import ActorHandle

from skyward.distributed.endpoint import Endpoint, call_count
from skyward.distributed.proxies import SetProxy
from skyward.distributed.state.base import PAGE_SIZE
from tests.conftest import open_collection


def filled(host: ActorHandle, items: Iterable[Any], **options: Any) -> SetProxy[Any]:
    proxy: SetProxy[Any] = open_collection(host, SetProxy, **options)
    proxy.update(items)
    proxy.flush()
    return proxy


def rebuilt_on_host_fails() -> object:
    """Return a hashable value that pickles here but not on the host."""

    def explode() -> NoReturn:
        raise ValueError("value cannot be rebuilt")

    class Exploding:
        def __reduce__(self) -> tuple[Callable[[], NoReturn], tuple[()]]:
            return explode, ()

    return Exploding()


# Behaviour of the basic operations.


def test_set_is_mutable_set(host: ActorHandle) -> None:
    members = open_collection(host, SetProxy)
    assert isinstance(members, MutableSet)


def test_unparameterized_set_is_any(host: ActorHandle) -> None:
    members = open_collection(host, SetProxy)
    plain = SetProxy(Endpoint(host, members.name))
    assert_type(plain, SetProxy[Any])
    plain.add("anything")
    assert members.copy() == {"anything"}


def test_add_then_contains(host: ActorHandle) -> None:
    members = open_collection(host, SetProxy)
    members.add("item1")
    assert "item1" in members
    assert "item2" not in members


def test_len_ignores_duplicates(host: ActorHandle) -> None:
    members = open_collection(host, SetProxy)
    assert len(members) == 0
    members.add("a")
    members.add("b")
    members.add("a")
    assert len(members) == 2


def test_discard_present_and_missing(host: ActorHandle) -> None:
    members = filled(host, ["item"])
    members.discard("item")
    members.discard("missing")
    assert "item" not in members
    assert len(members) == 0


def test_clear_empties(host: ActorHandle) -> None:
    members = filled(host, "ab")
    members.clear()
    assert len(members) == 0


def test_remove_missing_raises_key_error(host: ActorHandle) -> None:
    members = filled(host, [1], consistency="eventual")
    with pytest.raises(KeyError) as caught:
        members.remove(2)
    assert caught.value.args == (2,)
    assert members.copy() == {1}


def test_remove_present(host: ActorHandle) -> None:
    members = filled(host, [1, 2])
    members.remove(1)
    assert members.copy() == {2}


def test_pop_until_empty(host: ActorHandle) -> None:
    members = filled(host, [1, 2])
    popped = {members.pop(), members.pop()}
    assert popped == {1, 2}
    with pytest.raises(KeyError, match="pop from an empty set"):
        members.pop()


def test_add_new_reports_addition(host: ActorHandle) -> None:
    members = open_collection(host, SetProxy, consistency="eventual")
    assert members.add_new("a") is True
    assert members.add_new("a") is False
    assert members.copy() == {"a"}


def test_set_member_lookup_as_frozenset(host: ActorHandle) -> None:
    members = filled(host, [frozenset({1, 2})])
    assert {1, 2} in members
    assert filled(host, [1, 2]) in members
    members.discard({1, 2})
    assert len(members) == 0


def test_remove_set_member_keeps_key(host: ActorHandle) -> None:
    members = open_collection(host, SetProxy)
    key = {3, 4}
    with pytest.raises(KeyError) as caught:
        members.remove(key)
    assert caught.value.args[0] is key


def test_unhashable_rejected_before_sending(host: ActorHandle) -> None:
    members = filled(host, [1], consistency="eventual")
    before = call_count()
    for operation in (members.add, members.discard, members.remove, members.add_new):
        with pytest.raises(TypeError, match=r"sky.set .*\[\] is unhashable"):
            operation([])
    with pytest.raises(TypeError, match="unhashable"):
        [] in members  # noqa: B015
    assert call_count() == before
    assert members.copy() == {1}


# Comparisons and operators.


def test_comparisons_with_sets(host: ActorHandle) -> None:
    members = filled(host, [1, 2])
    assert members == {1, 2}
    assert members == frozenset({1, 2})
    assert members != {1}
    assert members != [1, 2]
    assert members <= {1, 2}
    assert members < {1, 2, 3}
    assert members >= {1}
    assert members > {1}
    assert not members > {1, 2}
    assert {1} < members
    assert members == filled(host, [2, 1])
    assert members == members


def test_comparison_with_list_raises(host: ActorHandle) -> None:
    members = filled(host, [1])
    with pytest.raises(TypeError):
        members <= [1]  # type: ignore[operator]  # noqa: B015


def test_operators_return_builtin_sets(host: ActorHandle) -> None:
    members = filled(host, [1, 2, 3])
    other = {3, 4}
    results = {
        "and": (members & other, {3}),
        "rand": (other & members, {3}),
        "or": (members | other, {1, 2, 3, 4}),
        "ror": (other | members, {1, 2, 3, 4}),
        "sub": (members - other, {1, 2}),
        "rsub": (other - members, {4}),
        "xor": (members ^ other, {1, 2, 4}),
        "rxor": (other ^ members, {1, 2, 4}),
    }
    for name, (result, expected) in results.items():
        assert type(result) is set, name
        assert result == expected, name
    assert members.copy() == {1, 2, 3}


def test_operators_reject_iterables(host: ActorHandle) -> None:
    members = filled(host, [1])
    with pytest.raises(TypeError):
        members | [2]  # type: ignore[operator]
    with pytest.raises(TypeError):
        members |= [2]  # type: ignore[arg-type]
    assert members.copy() == {1}


def test_operators_with_other_proxy(host: ActorHandle) -> None:
    members = filled(host, [1, 2])
    other = filled(host, [2, 3])
    assert members & other == {2}
    assert members | other == {1, 2, 3}


def test_named_methods_take_iterables(host: ActorHandle) -> None:
    members = filled(host, "abc")
    assert members.union("cd", ["e"]) == set("abcde")
    assert members.intersection("bcd", "cx") == {"c"}
    assert members.intersection() == set("abc")
    assert members.difference("a", ("b",)) == {"c"}
    assert members.difference() == set("abc")
    assert members.symmetric_difference("cd") == set("abd")
    assert members.issubset("abcd")
    assert not members.issubset("ab")
    assert members.issuperset(["a"])
    assert members.isdisjoint(iter("xyz"))
    assert not members.isdisjoint("a")
    assert members.copy() == set("abc")


def test_union_returns_builtin_set(host: ActorHandle) -> None:
    members = filled(host, [1])
    assert type(members.union()) is set
    assert type(members.copy()) is set


def test_union_rejects_unhashable(host: ActorHandle) -> None:
    members = filled(host, [1])
    with pytest.raises(TypeError, match="unhashable"):
        members.union([[1]])


def test_update_many_iterables(host: ActorHandle) -> None:
    members = filled(host, [1])
    members.update([2], (3,), {4: None})
    assert members.copy() == {1, 2, 3, 4}


def test_update_methods(host: ActorHandle) -> None:
    members = filled(host, "abcde")
    members.intersection_update("abcdx", "abcy")
    assert members.copy() == set("abc")
    members.difference_update("a", ["b"])
    assert members.copy() == {"c"}
    members.symmetric_difference_update("cd")
    assert members.copy() == {"d"}


def test_inplace_operators_return_self(host: ActorHandle) -> None:
    members = filled(host, [1, 2])
    alias = members
    members |= {3}
    assert members is alias
    members &= {2, 3, 4}
    assert members is alias
    members ^= {3, 5}
    assert members is alias
    members -= {5}
    assert members is alias
    assert members.copy() == {2}


def test_inplace_operators_on_itself(host: ActorHandle) -> None:
    members = filled(host, [1, 2])
    members |= members
    members &= members
    assert members.copy() == {1, 2}
    members ^= members
    assert members.copy() == set()
    members.add(1)
    members -= members
    assert members.copy() == set()


def test_set_is_unhashable(host: ActorHandle) -> None:
    members = open_collection(host, SetProxy)
    with pytest.raises(TypeError):
        hash(members)


def test_none_is_a_member(host: ActorHandle) -> None:
    members = filled(host, [None])
    assert None in members
    assert members.add_new(None) is False
    assert members.pop() is None
    members.add(None)
    members.remove(None)
    assert len(members) == 0


# Consistency and order.


def test_eventual_adds_keep_order(host: ActorHandle) -> None:
    members = open_collection(host, SetProxy, consistency="eventual")
    for number in range(500):
        members.add(number)
        members.discard(number - 1)
    assert members.copy() == {499}


def test_failed_blind_write_raises_on_next_call(host: ActorHandle) -> None:
    members = open_collection(host, SetProxy, consistency="eventual")
    members.add(rebuilt_on_host_fails())
    with pytest.raises(ValueError, match="value cannot be rebuilt"):
        len(members)
    assert len(members) == 0


def test_failed_blind_write_raises_on_flush(host: ActorHandle) -> None:
    members = open_collection(host, SetProxy, consistency="eventual")
    members.update([1, rebuilt_on_host_fails()])
    with pytest.raises(ValueError, match="value cannot be rebuilt"):
        members.flush()
    assert members.copy() == set()


# Type checks and values that cannot travel.


@pytest.mark.parametrize(
    "write",
    [
        lambda members: members.add("x"),
        lambda members: members.add_new("x"),
        lambda members: members.update([2], [3, "x"]),
        lambda members: members.symmetric_difference_update([2, "x"]),
        lambda members: members.__ior__({2, "x"}),
        lambda members: members.__ixor__({2, "x"}),
    ],
    ids=["add", "add_new", "update", "symmetric_difference_update", "ior", "ixor"],
)
def test_bad_type_writes_nothing(
    host: ActorHandle, write: Callable[[SetProxy[Any]], object]
) -> None:
    members = filled(host, [1], types=(int,), consistency="eventual")
    with pytest.raises(TypeError, match="'x' is not of type int"):
        write(members)
    assert members.copy() == {1}


@pytest.mark.parametrize(
    "write",
    [
        lambda members: members.update([2], [[3]]),
        lambda members: members.symmetric_difference_update([2, [3]]),
        lambda members: members.intersection_update([[3]]),
        lambda members: members.difference_update([[3]]),
    ],
    ids=["update", "symmetric_difference_update", "intersection_update", "diff"],
)
def test_unhashable_writes_nothing(
    host: ActorHandle, write: Callable[[SetProxy[Any]], object]
) -> None:
    members = filled(host, [1], consistency="eventual")
    with pytest.raises(TypeError, match=r"\[3\] is unhashable"):
        write(members)
    assert members.copy() == {1}


class Unpicklable:
    """A hashable value that cannot be pickled."""

    def __init__(self) -> None:
        self.lock = threading.Lock()


def test_unpicklable_writes_nothing(host: ActorHandle) -> None:
    members = filled(host, [1], consistency="eventual")
    with pytest.raises(TypeError, match="cannot pickle"):
        members.add(Unpicklable())
    with pytest.raises(TypeError, match="cannot pickle"):
        members.update([2, Unpicklable()])
    assert members.copy() == {1}


# Costs.


@pytest.mark.parametrize(
    "operation",
    [
        lambda members: len(members),
        lambda members: 3 in members,
        lambda members: members.add(9),
        lambda members: members.add_new(9),
        lambda members: members.discard(1),
        lambda members: members.remove(1),
        lambda members: members.pop(),
        lambda members: members.clear(),
        lambda members: members.copy(),
        lambda members: [member for member in members],
        lambda members: members == {1, 2},
        lambda members: members <= {1, 2},
        lambda members: members < {1, 2},
        lambda members: members >= {1, 2},
        lambda members: members > {1, 2},
        lambda members: members & {1},
        lambda members: {1} & members,
        lambda members: members | {1},
        lambda members: {1} | members,
        lambda members: members - {1},
        lambda members: {1} - members,
        lambda members: members ^ {1},
        lambda members: {1} ^ members,
        lambda members: members.isdisjoint([1]),
        lambda members: members.__ior__({7}),
        lambda members: members.__iand__({1, 2}),
        lambda members: members.__isub__({1}),
        lambda members: members.__ixor__({1, 7}),
        lambda members: members.union([1], (2,), "ab"),
        lambda members: members.intersection([1], (2,)),
        lambda members: members.difference([1], (2,)),
        lambda members: members.symmetric_difference([1]),
        lambda members: members.update([1], range(100)),
        lambda members: members.intersection_update([1], [2]),
        lambda members: members.difference_update([1], [2]),
        lambda members: members.symmetric_difference_update([1]),
        lambda members: members.issubset([1]),
        lambda members: members.issuperset([1]),
    ],
)
def test_operation_costs_one_call(
    host: ActorHandle, operation: Callable[[SetProxy[int]], object]
) -> None:
    # Strong consistency, because unwaited writes travel in shared batches.
    members = filled(host, [1, 2, 3, 4])
    before = call_count()
    operation(members)
    assert call_count() - before == 1


def test_iteration_costs_one_call_per_page(host: ActorHandle) -> None:
    count = 2 * PAGE_SIZE + 5
    members = filled(host, range(count))
    before = call_count()
    assert sum(1 for _ in members) == count
    assert call_count() - before == 3


# Async forms.


@pytest.mark.parametrize("consistency", ["strong", "eventual"])
def test_async_forms(host: ActorHandle, consistency: str) -> None:
    members: SetProxy[int] = open_collection(
        host, SetProxy, types=(int,), consistency=consistency
    )
    other = filled(host, [3, 4])

    async def run() -> None:
        await members.update_async([1, 2], other)
        await members.add_async(5)
        assert await members.add_new_async(6)
        assert not await members.add_new_async(6)
        assert await members.len_async() == 6
        assert await members.contains_async(5)
        await members.discard_async(6)
        await members.remove_async(5)
        assert await members.copy_async() == {1, 2, 3, 4}
        assert await members.union_async([9], other) == {1, 2, 3, 4, 9}
        assert await members.intersection_async(other) == {3, 4}
        assert await members.difference_async(other) == {1, 2}
        assert await members.symmetric_difference_async([4, 5]) == {1, 2, 3, 5}
        assert await members.isdisjoint_async([7])
        assert await members.issubset_async(range(10))
        assert await members.issuperset_async(other)
        assert await members.eq_async({1, 2, 3, 4})
        await members.intersection_update_async([1, 2, 3])
        await members.difference_update_async([3])
        await members.symmetric_difference_update_async([2, 8])
        assert await members.copy_async() == {1, 8}
        assert await members.pop_async() in {1, 8}
        await members.clear_async()
        assert await members.len_async() == 0

    asyncio.run(run())


def test_async_update_checks_type(host: ActorHandle) -> None:
    members: SetProxy[int] = open_collection(host, SetProxy, types=(int,))

    async def run() -> None:
        with pytest.raises(TypeError, match="'x' is not of type int"):
            await members.update_async([1, "x"])  # type: ignore[list-item]

    asyncio.run(run())
    assert members.copy() == set()
