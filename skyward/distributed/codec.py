"""Encoding of call arguments and results between proxies and hosts.

Arguments travel as one pickled ``bytes`` payload so that the host decodes
them inside its own ordered code path: a payload that fails to decode fails
that call alone instead of the Ray task that carries it. Large buffers
(numpy arrays, ``bytearray`` and ``memoryview`` with ``nbytes`` or ``len`` of
at least ``LARGE_VALUE_BYTES``) do not travel in the payload. The proxy stores
them in the object store and the payload carries a reference. The host copies
each such value into an object of its own, so that it outlives the writer.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable
from typing import Any

import ray
from ray import cloudpickle

LARGE_VALUE_BYTES = 1 << 20
"""Size from which a bytes-like value or array is sent through the object store."""


class Stored:
    """A value that lives in the object store, as the host keeps it.

    Two ``Stored`` values are equal only when they hold the same reference:
    the host never fetches large values to compare them.
    """

    __slots__ = ("ref",)

    def __init__(self, ref: ray.ObjectRef[Any]) -> None:
        self.ref = ref

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stored) and other.ref == self.ref

    def __hash__(self) -> int:
        return hash(self.ref)

    def __repr__(self) -> str:
        return f"Stored({self.ref.hex()})"


def _large_size(obj: object) -> int:
    # bytes are left out: they are hashable, so they may be dict keys or set
    # members, which the host must compare by content, not by reference.
    if isinstance(obj, (bytearray, memoryview)):
        return len(obj)
    nbytes = getattr(type(obj), "nbytes", None)
    if nbytes is not None and type(obj).__module__.startswith("numpy"):
        size = obj.nbytes  # type: ignore[attr-defined]  # numpy arrays only
        return int(size)
    return 0


class _ClientPickler(cloudpickle.Pickler):
    def __init__(self, file: io.BytesIO, store_large: bool) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.store_large = store_large
        self.refs: list[ray.ObjectRef[Any]] = []

    def persistent_id(self, obj: object) -> int | None:
        if isinstance(obj, Stored):
            self.refs.append(obj.ref)
            return len(self.refs) - 1
        if self.store_large and _large_size(obj) >= LARGE_VALUE_BYTES:
            # Ray 2.56 removed ray.put's _owner argument, so the writer owns
            # this object; the host takes its own copy (see _HostUnpickler).
            self.refs.append(ray.put(obj))
            return len(self.refs) - 1
        return None


class _HostUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, refs: list[ray.ObjectRef[Any]]) -> None:
        super().__init__(file)
        self.refs = refs

    def persistent_load(self, pid: Any) -> object:
        # The writer owns the object behind the reference, so it would be lost
        # with the writer. ray.put copies the value into an object the host
        # owns. ray.get maps the value without copying only when the writer ran
        # on the host's node. Otherwise it transfers the value to this node.
        return Stored(ray.put(ray.get(self.refs[pid])))


class _ClientUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, refs: list[ray.ObjectRef[Any]]) -> None:
        super().__init__(file)
        self.refs = refs

    def persistent_load(self, pid: Any) -> object:
        return ray.get(self.refs[pid])


class OnValues:
    """A function for the host to call with large values fetched, not ``Stored``.

    Functions sent with a call (``merge``, ``compute``) are written for the
    values they combine, so each ``Stored`` argument, and each one inside a
    builtin container argument, is fetched first. A top-level array comes as
    a writable copy, so the function may change it in place, but arrays in
    containers are read-only. A large top-level result is kept in the
    object store like a large value a client writes.
    """

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn

    def __call__(self, *args: Any) -> Any:
        result = self.fn(*(_fetched(arg) for arg in args))
        if _large_size(result) >= LARGE_VALUE_BYTES:
            return Stored(ray.put(result))
        return result


def _fetched(value: Any) -> Any:
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        # A container may hold Stored values; encoding finds them.
        data, refs = encode(value)
        return decode_on_client(data, refs) if refs else value
    if not isinstance(value, Stored):
        return value
    fetched = ray.get(value.ref)
    flags = getattr(fetched, "flags", None)
    if flags is not None and not flags.writeable:
        # ray.get maps a numpy array read-only from the object store.
        return fetched.copy()
    return fetched


type Encoded = tuple[bytes, list[ray.ObjectRef[Any]]]


def encode(obj: object, *, client: bool = False) -> Encoded:
    """Pickle ``obj``, moving large buffers to the object store.

    With ``client=True`` (a proxy encoding call arguments) each large buffer
    is put in the object store. The calling process owns that object, and
    the host copies it into an object of its own when it decodes the call.
    With ``client=False`` (the host encoding a reply) only values that are
    already ``Stored`` become references.

    Raises:
        TypeError: ``obj`` or a part of it cannot be pickled.
    """
    file = io.BytesIO()
    pickler = _ClientPickler(file, store_large=client)
    try:
        pickler.dump(obj)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise TypeError(f"cannot pickle {short_repr(obj)}: {exc}") from exc
    return file.getvalue(), pickler.refs


def decode_on_host(data: bytes, refs: list[ray.ObjectRef[Any]]) -> Any:
    """Unpickle a payload on the host, keeping large values as ``Stored``."""
    return _HostUnpickler(io.BytesIO(data), refs).load()


def decode_on_client(data: bytes, refs: list[ray.ObjectRef[Any]]) -> Any:
    """Unpickle a result on the client, fetching large values."""
    return _ClientUnpickler(io.BytesIO(data), refs).load()


def short_repr(value: object, limit: int = 120) -> str:
    """Return ``repr(value)`` cut to ``limit`` characters for messages."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


__all__ = [
    "LARGE_VALUE_BYTES",
    "Encoded",
    "OnValues",
    "Stored",
    "decode_on_client",
    "decode_on_host",
    "encode",
    "short_repr",
]
