"""Run the benchmarks: ``python -m skyward.bench [--quick] [--markdown FILE]``."""

import sys

from skyward.bench import main

if __name__ == "__main__":
    sys.exit(main())
