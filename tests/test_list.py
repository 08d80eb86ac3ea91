"""List proxy against a real host actor."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, MutableSequence
from typing import Any, NoReturn, assert_type

import pytest
import ray
from ray.actor import ActorHandle

from skyward.distributed.endpoint import Endpoint, call_count
from skyward.distributed.proxies import ListProxy
from skyward.distributed.state.base import PAGE_SIZE
from skyward.distributed.state.list import MAX_REPEAT_LENGTH
from tests.conftest import open_collection


def filled(host: ActorHandle, items: list[Any], **options: Any) -> ListProxy[Any]:
    proxy: ListProxy[Any] = open_collection(host, ListProxy, **options)
    proxy.extend(items)
    proxy.flush()
    return proxy


def rebuilt_on_host_fails() -> object:
    """Return a value that pickles here but raises when the host unpickles it."""

    def explode() -> NoReturn:
        raise ValueError("value cannot be rebuilt")

    class Exploding:
        def __reduce__(self) -> tuple[Callable[[], NoReturn], tuple[()]]:
            return explode, ()

    return Exploding()


# Behaviour of the basic operations.


def test_list_is_mutable_sequence(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy)
    assert isinstance(items, MutableSequence)


def test_unparameterized_list_is_any(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy)
    plain = ListProxy(Endpoint(host, items.name))
    assert_type(plain, ListProxy[Any])
    plain.append("anything")
    assert items.copy() == ["anything"]


def test_append_then_getitem(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy)
    items.append("first")
    items.append("second")
    assert items[0] == "first"
    assert items[1] == "second"
    assert items[-1] == "second"


def test_len_counts_items(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy)
    assert len(items) == 0
    items.append(1)
    items.append(2)
    assert len(items) == 2


def test_extend_appends_in_order(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy)
    items.extend([1, 2, 3])
    items.extend(x * 10 for x in range(2))
    assert items.copy() == [1, 2, 3, 0, 10]


def test_extend_with_itself_doubles(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    items.extend(items)
    items += items
    assert items.copy() == [1, 2] * 4


def test_pop_last_and_first(host: ActorHandle) -> None:
    items = filled(host, [1, 2, 3])
    assert items.pop() == 3
    assert items.pop(0) == 1
    assert items.copy() == [2]


def test_pop_empty_raises(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy)
    with pytest.raises(IndexError, match="pop from empty list"):
        items.pop()


def test_pop_out_of_range_raises(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    with pytest.raises(IndexError, match="pop index 5 out of range"):
        items.pop(5)
    assert items.copy() == [1, 2]


def test_slice_method_returns_list(host: ActorHandle) -> None:
    items = filled(host, list(range(6)))
    assert items.slice(1, 4) == [1, 2, 3]
    assert items.slice(4, None) == [4, 5]


def test_clear_empties(host: ActorHandle) -> None:
    items = filled(host, [1, 2, 3])
    items.clear()
    assert len(items) == 0


def test_getitem_negative_and_out_of_range(host: ActorHandle) -> None:
    items = filled(host, [10, 11])
    assert items[-2] == 10
    with pytest.raises(IndexError, match="sky.list"):
        items[2]
    with pytest.raises(IndexError, match="-3"):
        items[-3]


def test_getitem_rejects_str_index(host: ActorHandle) -> None:
    items = filled(host, [1])
    with pytest.raises(TypeError, match="list indices must be integers or slices"):
        items["a"]  # type: ignore[call-overload]


def test_getitem_extended_slice(host: ActorHandle) -> None:
    items = filled(host, list(range(10)))
    assert items[::3] == [0, 3, 6, 9]
    assert items[8:2:-2] == [8, 6, 4]
    assert items[-3:] == [7, 8, 9]


def test_getitem_slice_step_zero_raises(host: ActorHandle) -> None:
    items = filled(host, [1])
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        items[::0]


def test_setitem_index(host: ActorHandle) -> None:
    items = filled(host, [0, 1, 2])
    items[0] = "a"
    items[-1] = "c"
    assert items.copy() == ["a", 1, "c"]


def test_setitem_out_of_range_leaves_list(host: ActorHandle) -> None:
    items = filled(host, [0, 1], consistency="eventual")
    with pytest.raises(IndexError, match="assignment index 2"):
        items[2] = 5
    assert items.copy() == [0, 1]


def test_setitem_slice_resizes(host: ActorHandle) -> None:
    items = filled(host, list(range(5)))
    items[1:4] = "ab"
    assert items.copy() == [0, "a", "b", 4]


def test_setitem_extended_slice(host: ActorHandle) -> None:
    items = filled(host, list(range(6)))
    items[::2] = ["x", "y", "z"]
    assert items.copy() == ["x", 1, "y", 3, "z", 5]


def test_setitem_extended_slice_length_mismatch(host: ActorHandle) -> None:
    items = filled(host, list(range(6)))
    with pytest.raises(ValueError, match="extended slice of size 3"):
        items[::2] = [1, 2]
    assert items.copy() == list(range(6))


def test_setitem_slice_rejects_non_iterable(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    with pytest.raises(TypeError):
        items[0:1] = 5  # type: ignore[call-overload]
    assert items.copy() == [1, 2]


def test_delitem_index_and_slice(host: ActorHandle) -> None:
    items = filled(host, list(range(8)))
    del items[0]
    del items[-1]
    del items[::2]
    assert items.copy() == [2, 4, 6]


def test_delitem_out_of_range_raises(host: ActorHandle) -> None:
    items = filled(host, [1])
    with pytest.raises(IndexError):
        del items[1]
    assert items.copy() == [1]


def test_contains_and_count(host: ActorHandle) -> None:
    items = filled(host, [1, 2, 2, None])
    assert 2 in items
    assert 3 not in items
    assert items.count(2) == 2
    assert items.count(None) == 1


def test_index_with_bounds(host: ActorHandle) -> None:
    items = filled(host, [0, 1, 0, 1])
    assert items.index(1) == 1
    assert items.index(1, 2) == 3
    assert items.index(0, -2) == 2
    with pytest.raises(ValueError, match="is not in list"):
        items.index(0, 3, 4)


def test_insert_clamps_like_list(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    items.insert(0, "first")
    items.insert(-1, "middle")
    items.insert(100, "last")
    items.insert(-100, "start")
    assert items.copy() == ["start", "first", 1, "middle", 2, "last"]


def test_remove_first_match(host: ActorHandle) -> None:
    items = filled(host, [1, 2, 1])
    items.remove(1)
    assert items.copy() == [2, 1]


def test_remove_missing_raises(host: ActorHandle) -> None:
    items = filled(host, [1, 2], consistency="eventual")
    with pytest.raises(ValueError, match="3 is not in list"):
        items.remove(3)
    assert items.copy() == [1, 2]


def test_reverse_in_place(host: ActorHandle) -> None:
    items = filled(host, [1, 2, 3])
    items.reverse()
    assert items.copy() == [3, 2, 1]


def test_reversed_iterates_backwards(host: ActorHandle) -> None:
    items = filled(host, [1, 2, 3])
    assert list(reversed(items)) == [3, 2, 1]


def test_iadd_returns_self(host: ActorHandle) -> None:
    items = filled(host, [1])
    alias = items
    items += "ab"
    assert items is alias
    assert items.copy() == [1, "a", "b"]


def test_imul_returns_self(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    alias = items
    items *= 2
    assert items is alias
    assert items.copy() == [1, 2, 1, 2]
    items *= 0
    assert items.copy() == []


def test_add_and_mul_return_lists(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    assert items + [3] == [1, 2, 3]
    assert [0] + items == [0, 1, 2]
    assert items * 2 == [1, 2, 1, 2]
    assert 2 * items == [1, 2, 1, 2]


def test_add_rejects_tuple(host: ActorHandle) -> None:
    items = filled(host, [1])
    with pytest.raises(TypeError):
        items + (2,)  # type: ignore[operator]


def test_sort_with_lambda_key(host: ActorHandle) -> None:
    items = filled(host, ["bb", "a", "ccc"])
    items.sort(key=lambda word: -len(word))
    assert items.copy() == ["ccc", "bb", "a"]


def test_sort_reverse(host: ActorHandle) -> None:
    items = filled(host, [3, 1, 2])
    items.sort(reverse=True)
    assert items.copy() == [3, 2, 1]


def test_sort_mixed_types_raises(host: ActorHandle) -> None:
    items = filled(host, [1, "a"], consistency="eventual")
    with pytest.raises(TypeError, match="not supported"):
        items.sort()
    assert len(items) == 2


def test_sort_failing_compare_keeps_order(host: ActorHandle) -> None:
    # list.sort leaves this list half sorted when it reaches "x".
    values: list[object] = [12, 13, 1, 8, 15, 6, 19, 4, 7, 5, "x", 9, 3, 2]
    items = filled(host, values)
    with pytest.raises(TypeError):
        items.sort()
    assert items.copy() == values


def test_copy_is_builtin_list(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    snapshot = items.copy()
    items.append(3)
    assert type(snapshot) is list
    assert snapshot == [1, 2]


def test_eq_against_lists(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    assert items == [1, 2]
    assert [1, 2] == items
    assert items != [2, 1]
    assert items != (1, 2)
    assert items == filled(host, [1, 2])
    assert items == items


def test_ordering_is_lexicographic(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    assert items < [1, 3]
    assert items <= [1, 2]
    assert items > [1]
    assert items >= [0, 9]


def test_list_is_unhashable(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy)
    with pytest.raises(TypeError):
        hash(items)


def test_none_is_an_item(host: ActorHandle) -> None:
    items = filled(host, [None, 1])
    assert items[0] is None
    assert None in items
    assert items.index(None) == 0
    items.remove(None)
    items.insert(0, None)
    assert items.pop(0) is None
    assert items.copy() == [1]


def test_proxy_reaches_list_from_task(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy)

    @ray.remote(num_cpus=0)
    def append_from_worker(target: ListProxy[int]) -> None:
        target.append(7)
        target.flush()

    ray.get(append_from_worker.remote(items))
    assert items.copy() == [7]


# Consistency and order.


def test_eventual_appends_keep_order(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy, consistency="eventual")
    for number in range(500):
        items.append(number)
    assert items.copy() == list(range(500))


def test_eventual_write_read_back(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy, consistency="eventual")
    items.extend([3, 1, 2])
    items.insert(0, 0)
    items.reverse()
    assert items[0] == 2
    assert len(items) == 4


def test_failed_blind_write_raises_on_next_call(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy, consistency="eventual")
    items.append(rebuilt_on_host_fails())
    with pytest.raises(ValueError, match="value cannot be rebuilt"):
        len(items)
    assert len(items) == 0


def test_failed_blind_write_raises_on_flush(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy, consistency="eventual")
    items.extend([1, rebuilt_on_host_fails()])
    with pytest.raises(ValueError, match="value cannot be rebuilt"):
        items.flush()
    assert items.copy() == []


def test_strong_write_raises_at_once(host: ActorHandle) -> None:
    items = open_collection(host, ListProxy, consistency="strong")
    with pytest.raises(ValueError, match="value cannot be rebuilt"):
        items.append(rebuilt_on_host_fails())
    assert len(items) == 0


# Type checks and values that cannot travel.


def test_append_checks_type(host: ActorHandle) -> None:
    items: ListProxy[int] = open_collection(host, ListProxy, types=(int,))
    items.append(1)
    with pytest.raises(TypeError, match=r"sky.list .*'x' is not of type int"):
        items.append("x")  # type: ignore[arg-type]
    assert items.copy() == [1]


@pytest.mark.parametrize(
    "write",
    [
        lambda items: items.extend([2, "x"]),
        lambda items: items.__iadd__([2, "x"]),
        lambda items: items.insert(0, "x"),
        lambda items: items.__setitem__(0, "x"),
        lambda items: items.__setitem__(slice(0, 1), [2, "x"]),
    ],
    ids=["extend", "iadd", "insert", "setitem", "setitem-slice"],
)
def test_bad_type_writes_nothing(
    host: ActorHandle, write: Callable[[ListProxy[Any]], object]
) -> None:
    items = filled(host, [1], types=(int,))
    with pytest.raises(TypeError, match="'x' is not of type int"):
        write(items)
    assert items.copy() == [1]


@pytest.mark.parametrize(
    "write",
    [
        lambda items, value: items.append(value),
        lambda items, value: items.extend([2, value]),
        lambda items, value: items.insert(0, value),
        lambda items, value: items.__setitem__(0, value),
    ],
    ids=["append", "extend", "insert", "setitem"],
)
def test_unpicklable_writes_nothing(
    host: ActorHandle, write: Callable[[ListProxy[Any], object], object]
) -> None:
    items = filled(host, [1], consistency="eventual")
    with pytest.raises(TypeError, match="cannot pickle .*lock"):
        write(items, threading.Lock())
    assert items.copy() == [1]


# Costs.


@pytest.mark.parametrize(
    "operation",
    [
        lambda items: len(items),
        lambda items: items[0],
        lambda items: items[::2],
        lambda items: items.__setitem__(0, 5),
        lambda items: items.__setitem__(slice(None, None, 2), [7, 8]),
        lambda items: items.__delitem__(0),
        lambda items: items.__delitem__(slice(0, 1)),
        lambda items: 3 in items,
        lambda items: items.index(3),
        lambda items: items.index(3, 0, 5),
        lambda items: items.count(3),
        lambda items: items.append(4),
        lambda items: items.extend(range(100)),
        lambda items: items.extend(items),
        lambda items: items.__iadd__([1, 2]),
        lambda items: items.__imul__(2),
        lambda items: items.insert(1, 9),
        lambda items: items.pop(),
        lambda items: items.pop(0),
        lambda items: items.remove(3),
        lambda items: items.reverse(),
        lambda items: items.sort(key=lambda item: -item, reverse=True),
        lambda items: items.clear(),
        lambda items: items.copy(),
        lambda items: [item for item in items],
        lambda items: [item for item in reversed(items)],
        lambda items: items == [1, 2],
        lambda items: items < [1, 2],
        lambda items: items + [1],
        lambda items: items * 2,
        lambda items: items.slice(0, 2),
    ],
)
def test_operation_costs_one_call(
    host: ActorHandle, operation: Callable[[ListProxy[int]], object]
) -> None:
    # Strong consistency, because unwaited writes travel in shared batches.
    items = filled(host, [1, 2, 3, 4])
    before = call_count()
    operation(items)
    assert call_count() - before == 1


def test_iteration_costs_one_call_per_page(host: ActorHandle) -> None:
    count = 2 * PAGE_SIZE + 5
    items = filled(host, list(range(count)))
    before = call_count()
    assert sum(1 for _ in items) == count
    assert call_count() - before == 3
    before = call_count()
    assert next(reversed(items)) == count - 1
    assert call_count() - before == 1


# Async forms.


@pytest.mark.parametrize("consistency", ["strong", "eventual"])
def test_async_forms(host: ActorHandle, consistency: str) -> None:
    items: ListProxy[int] = open_collection(
        host, ListProxy, types=(int,), consistency=consistency
    )

    async def run() -> None:
        await items.extend_async([3, 1, 2])
        await items.append_async(4)
        await items.insert_async(0, 0)
        assert await items.len_async() == 5
        assert await items.getitem_async(-1) == 4
        assert await items.getitem_async(slice(1, 3)) == [3, 1]
        assert await items.slice_async(0, 2) == [0, 3]
        assert await items.contains_async(2)
        assert await items.index_async(2) == 3
        assert await items.count_async(1) == 1
        await items.sort_async(reverse=True)
        assert await items.copy_async() == [4, 3, 2, 1, 0]
        await items.setitem_async(0, 9)
        await items.setitem_async(slice(1, 3), [8, 7])
        await items.delitem_async(-1)
        assert await items.pop_async() == 1
        await items.remove_async(7)
        await items.reverse_async()
        assert await items.eq_async([8, 9])
        await items.imul_async(2)
        assert await items.copy_async() == [8, 9, 8, 9]
        await items.extend_async(items)
        assert await items.len_async() == 8
        await items.clear_async()
        assert await items.len_async() == 0

    asyncio.run(run())


def test_async_extend_checks_type(host: ActorHandle) -> None:
    items: ListProxy[int] = open_collection(host, ListProxy, types=(int,))

    async def run() -> None:
        with pytest.raises(TypeError, match="'x' is not of type int"):
            await items.extend_async([1, "x"])  # type: ignore[list-item]

    asyncio.run(run())
    assert items.copy() == []


def test_mul_rejects_huge_result(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    with pytest.raises(OverflowError, match="MAX_REPEAT_LENGTH"):
        _ = items * MAX_REPEAT_LENGTH
    assert items.copy() == [1, 2]


def test_imul_rejects_huge_result(host: ActorHandle) -> None:
    items = filled(host, [1, 2])
    with pytest.raises(OverflowError, match="MAX_REPEAT_LENGTH"):
        items *= MAX_REPEAT_LENGTH
    assert items.copy() == [1, 2]
