from typing import Any

from . import scheduling_strategies as scheduling_strategies

def list_named_actors(all_namespaces: bool = False) -> list[Any]: ...
