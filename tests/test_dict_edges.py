"""Edge cases of the dict proxy: large values, typed values, deferred errors."""

from __future__ import annotations

import asyncio
import operator
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pytest
from ray.actor import ActorHandle

from skyward.distributed import endpoint as endpoint_module
from skyward.distributed.codec import LARGE_VALUE_BYTES
from skyward.distributed.endpoint import Endpoint
from skyward.distributed.proxies import DictProxy
from skyward.distributed.proxies.dict import MISSING, Missing
from tests.conftest import open_collection

_FLOATS = LARGE_VALUE_BYTES // 8
"""Length of a float64 array as large as ``LARGE_VALUE_BYTES``."""


def large_array(fill: float) -> npt.NDArray[np.float64]:
    """Return an array that travels through the object store."""
    return np.full(_FLOATS, fill)


# Large values travel through the object store.


def test_large_array_round_trips(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, consistency="eventual")
    d["w"] = large_array(2.0)
    assert np.array_equal(d["w"], large_array(2.0))


def test_merge_adds_large_arrays(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.merge("grad", large_array(1.0), operator.add)
    total = d.merge("grad", large_array(2.0), operator.add)
    assert np.array_equal(total, large_array(3.0))


def test_merge_stores_large_sum(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d.merge("grad", large_array(1.0), operator.add)
    d.merge("grad", large_array(2.0), operator.add)
    assert np.array_equal(d["grad"], large_array(3.0))


def test_merge_many_adds_large_arrays(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["grad"] = large_array(1.0)
    d.merge_many([("grad", large_array(2.0))], operator.add)
    assert np.array_equal(d["grad"], large_array(3.0))


def test_merge_adds_nested_large_arrays(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["model"] = {"w": large_array(1.0)}

    def add_weights(old: Any, new: Any) -> Any:
        return {"w": old["w"] + new["w"]}

    total = d.merge("model", {"w": large_array(2.0)}, add_weights)
    assert np.array_equal(total["w"], large_array(3.0))


def test_compute_sees_large_array(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    d["w"] = large_array(1.0)

    def double(old: Any) -> Any:
        return old * 2

    assert np.array_equal(d.compute("w", double), large_array(2.0))


def test_large_bytes_key(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    key = b"k" * LARGE_VALUE_BYTES
    d[key] = 1
    assert d[bytes(key)] == 1


def test_large_bytes_key_contains(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    key = b"k" * LARGE_VALUE_BYTES
    d[key] = 1
    assert bytes(key) in d


# Type arguments.


def test_typed_list_checks_every_item(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, types=(str, list[int]))
    with pytest.raises(TypeError, match="list\\[int\\]"):
        d["a"] = [1, "x"]
    assert "a" not in d


def test_missing_marker_rejected_as_value(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(TypeError, match="MISSING"):
        d["a"] = MISSING
    assert "a" not in d


def test_missing_marker_rejected_in_update(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(TypeError, match="MISSING"):
        d.update(a=1, b=MISSING)
    assert len(d) == 0


# Errors of unwaited writes.


def test_second_deferred_error_reported(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, consistency="eventual")
    d["a"] = 1

    def index_error(old: int, new: int) -> int:
        return [old][new]

    d.merge_many({"a": 0}, operator.truediv)
    d.merge_many({"a": 5}, index_error)
    with pytest.raises(ZeroDivisionError) as caught:
        d.flush()
    notes = "\n".join(getattr(caught.value, "__notes__", []))
    assert "IndexError" in notes


# Async forms do not block the event loop.


def test_merge_many_async_from_proxy(
    host: ActorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = open_collection(host, DictProxy)
    source.update(a=1, b=2)
    d = open_collection(host, DictProxy)
    d["a"] = 10
    blocking_call = Endpoint.call

    def call_outside_loop(self: Endpoint, op: str, *args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return blocking_call(self, op, *args, **kwargs)
        raise AssertionError(f"blocking call {op!r} inside the event loop")

    async def merge() -> None:
        monkeypatch.setattr(Endpoint, "call", call_outside_loop)
        await d.merge_many_async(source, operator.add)
        monkeypatch.undo()

    asyncio.run(merge())
    assert d.copy() == {"a": 11, "b": 2}


def test_compute_missing_passes_marker(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)

    def seen(old: int | Missing) -> int:
        return 1 if old is MISSING else 2

    assert d.compute("a", seen) == 1


# Writes that an earlier Ray session left behind.


class _EarlierHost:
    """Host handle of an earlier Ray session: every call fails."""

    @property
    def call_batch(self) -> Any:
        raise AssertionError("flush_all sent to a host of an earlier session")


def test_flush_all_skips_earlier_session(host: ActorHandle) -> None:
    stale = endpoint_module._Channel(cast(ActorHandle, _EarlierHost()))
    stale.session = "session of an earlier ray.init"
    stale.buffer.append(("d", "set", b"", [], True))
    endpoint_module._channels["earlier session"] = stale
    endpoint_module.flush_all()
    assert "earlier session" not in endpoint_module._channels


def test_merge_rejects_non_callable(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy)
    with pytest.raises(TypeError, match="callable"):
        d.merge("a", 1, "add")  # type: ignore[arg-type]
    assert "a" not in d


def test_merge_many_rejects_non_callable(host: ActorHandle) -> None:
    d = open_collection(host, DictProxy, consistency="eventual")
    with pytest.raises(TypeError, match="callable"):
        d.merge_many({"a": 1}, None)  # type: ignore[arg-type]
    assert "a" not in d
