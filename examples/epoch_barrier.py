"""Train in epochs that every worker finishes before the next one starts.

Each worker runs some "steps" per epoch, counted by a ``sky.counter``, and
stores its epoch loss in a ``sky.dict``. A ``sky.barrier`` ends each epoch,
so after it every worker can read every loss of that epoch and compute the
same mean. Run it with ``uv run python examples/epoch_barrier.py``.
"""

from __future__ import annotations

import skyward as sky


@sky.compute
def train(epochs: int, steps: int) -> list[float]:
    """Run ``epochs`` epochs of ``steps`` steps and return the epoch mean losses."""
    info = sky.instance_info()
    steps_done = sky.counter("steps")
    losses = sky.dict[tuple[int, int], float]("losses")
    epoch_end = sky.barrier("epoch-end", info.count)

    loss = 1.0 + info.index
    means: list[float] = []
    for epoch in range(epochs):
        for _ in range(steps):
            loss *= 0.9
            steps_done.increment()
        losses[epoch, info.index] = loss
        # Writes are sent without waiting, so make them visible to the other
        # workers before arriving at the barrier.
        losses.flush()
        steps_done.flush()
        epoch_end.wait()
        epoch_losses = losses.get_many([(epoch, w) for w in range(info.count)])
        means.append(sum(epoch_losses.values()) / info.count)
    return means


def run(
    pool: sky.SyncComputePool, epochs: int = 3, steps: int = 10
) -> tuple[list[list[float]], int]:
    """Train on every worker and return its epoch means and the step count."""
    means = train(epochs, steps) @ pool
    return means, sky.counter("steps").value


def main() -> None:
    with sky.pool(nodes=2) as pool:
        means, steps_done = run(pool)
    print(f"{steps_done} steps")
    for epoch, mean in enumerate(means[0]):
        print(f"epoch {epoch}: mean loss {mean:.4f}")


if __name__ == "__main__":
    main()
