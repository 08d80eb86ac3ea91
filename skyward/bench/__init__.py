"""Benchmarks of skyward's collections against the usual alternatives.

``python -m skyward.bench`` (or ``skyward bench``) times each operation with
skyward, a hand-written Ray actor, a ``multiprocessing.Manager`` and Redis
through redis-py and pottery, interleaved in one run, and prints one table.
``--markdown FILE`` writes it as Markdown; ``--quick`` runs small sizes.
"""

from .runner import main, row_names

__all__ = ["main", "row_names"]
