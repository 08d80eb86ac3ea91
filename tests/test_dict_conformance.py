"""CPython's mapping protocol tests run against the dict proxy.

The tests come from ``test.mapping_tests``, which ships with CPython's
``test`` package; interpreters built without that package skip this module.
"""

from __future__ import annotations

import unittest
from typing import Any

import pytest
from ray.actor import ActorHandle

from skyward.distributed.proxies import DictProxy
from tests.conftest import open_collection

mapping_tests = pytest.importorskip("test.mapping_tests")


def _protocol(name: str) -> Any:
    # Not bound to a module name, or pytest would collect the base classes.
    return getattr(mapping_tests, name)


class _OnHost:
    """Makes ``type2test`` open a new dict on the session's host."""

    host: ActorHandle

    @pytest.fixture(autouse=True)
    def _bind_host(self, host: ActorHandle) -> None:
        self.host = host

    def type2test(self, *args: Any, **kwargs: Any) -> DictProxy[Any, Any]:
        proxy = open_collection(self.host, DictProxy)
        proxy.update(*args, **kwargs)
        return proxy


class TestBasicMappingProtocol(
    _OnHost,
    _protocol("BasicTestMappingProtocol"),  # type: ignore[misc]  # the test package has no types
):
    """Every test of ``BasicTestMappingProtocol`` applies and runs."""


def _excluded(reason: str) -> Any:
    def excluded(self: object) -> None: ...

    return unittest.skip(reason)(excluded)


class TestMappingProtocol(
    _OnHost,
    _protocol("TestMappingProtocol"),  # type: ignore[misc]  # the test package has no types
):
    """``TestMappingProtocol`` less the tests that assume a local dict."""

    test_fromkeys = _excluded(
        "a distributed dict needs a host and a name, so it has no fromkeys class method"
    )
    test_copy = _excluded(
        "copy() returns a builtin dict snapshot by design, not another proxy"
    )
    test_setdefault = _excluded(
        "it mutates the list that setdefault returns, which is a copy of the "
        "stored value"
    )
    test_popitem = _excluded(
        "about 25,000 host calls on 2**11 sizes; LIFO popitem is tested in "
        "test_dict and test_dict_model"
    )
