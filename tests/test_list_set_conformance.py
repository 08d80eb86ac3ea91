"""CPython's own list and set tests run against the list and set proxies.

The tests come from ``test.list_tests`` (which extends ``test.seq_tests``)
and ``test.test_set``, parts of CPython's ``test`` package; interpreters
built without that package skip this module. Each class below inherits a
CPython test class, builds its collections as proxies on the session's host,
and turns off, with the reason, each inherited test that assumes a local
object (construction, repr, identity of items, subclassing).
"""

from __future__ import annotations

import unittest
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from ray.actor import ActorHandle

from skyward.distributed.endpoint import Endpoint
from skyward.distributed.proxies import ListProxy, SetProxy
from skyward.distributed.types import Consistency
from tests.conftest import open_collection

list_tests = pytest.importorskip("test.list_tests")
seq_tests = pytest.importorskip("test.seq_tests")
set_tests = pytest.importorskip("test.test_set")


def _cpython(module: Any, name: str) -> Any:
    # Not bound to a module name, or pytest would collect the base classes.
    return getattr(module, name)


def _excluded(reason: str) -> Any:
    def excluded(self: object) -> None: ...

    return unittest.skip(reason)(excluded)


if TYPE_CHECKING:
    _Mixin = unittest.TestCase
else:
    # A TestCase base at run time would make pytest collect the mixins.
    _Mixin = object


class _OnHost(_Mixin):
    """Opens proxies on the session's host and drops them after each test.

    Under eventual consistency by default: the CPython tests then also check
    that a process reads its own unwaited writes.
    """

    consistency: Consistency = "eventual"
    host: ActorHandle
    opened: list[str]

    @pytest.fixture(autouse=True)
    def _bind_host(self, host: ActorHandle) -> Iterator[None]:
        self.host = host
        self.opened = []
        yield
        for name in self.opened:
            Endpoint(host, name).send("__drop__")

    def new_list(self, items: Iterable[Any] = ()) -> ListProxy[Any]:
        proxy: ListProxy[Any] = open_collection(
            self.host, ListProxy, consistency=self.consistency
        )
        self.opened.append(proxy.name)
        proxy.extend(items)
        return proxy

    def new_set(self, items: Iterable[Any] = ()) -> SetProxy[Any]:
        proxy: SetProxy[Any] = open_collection(
            self.host, SetProxy, consistency=self.consistency
        )
        self.opened.append(proxy.name)
        proxy.update(items)
        return proxy


# The list.


class TestListConformance(
    _OnHost,
    _cpython(list_tests, "CommonTest"),  # type: ignore[misc]  # the test package has no types
):
    """``list_tests.CommonTest`` less the tests that assume a local list."""

    def type2test(self, items: Iterable[Any] = ()) -> ListProxy[Any]:
        return self.new_list(items)

    def test_index(self) -> None:
        # The list_tests part stores the proxy inside items whose __eq__
        # writes to it, so the host would call itself and never return.
        seq_tests.CommonTest.test_index(self)

    test_init = _excluded(
        "__init__ binds a proxy to a collection; it does not reset the items"
    )
    test_getitem_error = _excluded("it indexes a builtin list, not the proxy")
    test_setitem_error = _excluded("it indexes a builtin list, not the proxy")
    test_constructor_exception_handling = _excluded(
        "it calls the builtin list constructor, not the proxy"
    )
    test_repr = _excluded("repr names the collection instead of listing the items")
    test_repr_deep = _excluded("repr names the collection instead of listing the items")
    test_addmul = _excluded("it subclasses type2test, which is a factory here")
    test_getitemoverwriteiter = _excluded(
        "it subclasses type2test, which is a factory here"
    )
    test_free_after_iterating = _excluded(
        "it subclasses type2test, which is a factory here"
    )
    test_remove = _excluded(
        "it checks that items keep their identity, which a copy made in the "
        "host's process cannot"
    )
    test_copy = _excluded(
        "it checks that copy() shares items with the list, which a copy made "
        "in the host's process cannot"
    )
    test_sort = _excluded(
        "functools.cmp_to_key keys cannot be pickled, and its comparison "
        "mutates the list from inside the sort, on the host"
    )
    test_exhausted_iterator = _excluded(
        "iterators walk a snapshot, so they never see items appended later"
    )


# The set, built through ``thetype`` like CPython's set tests.


class TestSetConformance(
    _OnHost,
    _cpython(set_tests, "TestSet"),  # type: ignore[misc]  # the test package has no types
):
    """``test_set.TestSet`` less the tests that assume a local set.

    Strong consistency, because test_badcmp expects ``add`` itself to raise
    the error of a failing comparison on the host.
    """

    consistency = "strong"
    basetype = set

    def thetype(self, items: Iterable[Any] = ()) -> SetProxy[Any]:
        return self.new_set(items)

    test_new_or_init = _excluded("it tests the constructor's arguments")
    test_init = _excluded(
        "__init__ binds a proxy to a collection; it does not reset the members"
    )
    test_pickling = _excluded(
        "it sets attributes on the instance and expects pickling to keep "
        "them; a pickled proxy carries only the collection's address"
    )
    test_iterator_pickling = _excluded(
        "iterators are generators over pages, which cannot be pickled"
    )
    test_deepcopy = _excluded(
        "deepcopy of a proxy is a proxy of the same collection, by design"
    )
    test_gc = _excluded("it builds builtin sets only")
    test_container_iterator = _excluded("it builds builtin sets only")
    test_set_literal = _excluded("it builds builtin sets only")
    test_set_literal_insertion_order = _excluded("it builds builtin sets only")
    test_set_literal_evaluation_order = _excluded("it builds builtin sets only")
    test_rich_compare = _excluded("it compares builtin sets only")
    test_c_api = _excluded("it needs a debug build of CPython and a builtin set")
    test_subclass_with_custom_hash = _excluded(
        "it subclasses thetype, which is a factory here"
    )
    test_free_after_iterating = _excluded(
        "it subclasses thetype, which is a factory here"
    )
    test_cyclical_repr = _excluded(
        "repr names the collection instead of listing the members"
    )
    test_do_not_rehash_dict_keys = _excluded(
        "it counts hash calls, and the proxy hashes members to check them "
        "before sending"
    )


# The set, swapped into tests that build ``self.set`` in setUp.


class _SetInSetUp(_OnHost):
    """Replaces the builtin ``self.set`` made by setUp with an equal proxy."""

    set: Any

    def setUp(self) -> None:
        super().setUp()
        self.set = self.new_set(self.set)


class _BasicOps(_SetInSetUp):
    test_repr = _excluded("repr names the collection instead of listing the members")
    test_iteration = _excluded("iterators are generators with no __length_hint__")
    test_issue_37219 = _excluded("it tests builtin sets only")


class TestBasicOpsEmpty(
    _BasicOps,
    _cpython(set_tests, "TestBasicOpsEmpty"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestBasicOpsSingleton(
    _BasicOps,
    _cpython(set_tests, "TestBasicOpsSingleton"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestBasicOpsTuple(
    _BasicOps,
    _cpython(set_tests, "TestBasicOpsTuple"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestBasicOpsTriple(
    _BasicOps,
    _cpython(set_tests, "TestBasicOpsTriple"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestBasicOpsString(
    _BasicOps,
    _cpython(set_tests, "TestBasicOpsString"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestBasicOpsBytes(
    _BasicOps,
    _cpython(set_tests, "TestBasicOpsBytes"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestBasicOpsMixedStringBytes(
    _BasicOps,
    _cpython(set_tests, "TestBasicOpsMixedStringBytes"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestBinaryOps(
    _SetInSetUp,
    _cpython(set_tests, "TestBinaryOps"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestUpdateOps(
    _SetInSetUp,
    _cpython(set_tests, "TestUpdateOps"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestMutate(
    _SetInSetUp,
    _cpython(set_tests, "TestMutate"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestOnlySetsNumeric(
    _SetInSetUp,
    _cpython(set_tests, "TestOnlySetsNumeric"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestOnlySetsDict(
    _SetInSetUp,
    _cpython(set_tests, "TestOnlySetsDict"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestOnlySetsOperator(
    _SetInSetUp,
    _cpython(set_tests, "TestOnlySetsOperator"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestOnlySetsTuple(
    _SetInSetUp,
    _cpython(set_tests, "TestOnlySetsTuple"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestOnlySetsString(
    _SetInSetUp,
    _cpython(set_tests, "TestOnlySetsString"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestOnlySetsGenerator(
    _SetInSetUp,
    _cpython(set_tests, "TestOnlySetsGenerator"),  # type: ignore[misc]  # the test package has no types
):
    pass


# Subset tests compare ``left`` and ``right`` both ways; left becomes a proxy.


class _LeftIsProxy(_OnHost):
    left: Any

    def setUp(self) -> None:
        super().setUp()
        self.left = self.new_set(self.left)


class TestSubsetEqualEmpty(
    _LeftIsProxy,
    _cpython(set_tests, "TestSubsetEqualEmpty"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestSubsetEqualNonEmpty(
    _LeftIsProxy,
    _cpython(set_tests, "TestSubsetEqualNonEmpty"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestSubsetEmptyNonEmpty(
    _LeftIsProxy,
    _cpython(set_tests, "TestSubsetEmptyNonEmpty"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestSubsetPartial(
    _LeftIsProxy,
    _cpython(set_tests, "TestSubsetPartial"),  # type: ignore[misc]  # the test package has no types
):
    pass


class TestSubsetNonOverlap(
    _LeftIsProxy,
    _cpython(set_tests, "TestSubsetNonOverlap"),  # type: ignore[misc]  # the test package has no types
):
    pass
