"""The fuzz tests at full length: tens of thousands of hostile requests instead of some 2,000.

Run: .venv/bin/python benchmarks/fuzz.py [--profile full] [pytest options…]

Runs ``tests/test_fuzz.py`` through pytest with ``DXKG_FUZZ_PROFILE=full`` (some
35,000 requests, a quarter of an hour on two cores; the test suite runs the ``ci``
profile). The search is derandomised, so a failure repeats; pytest prints the
smallest failing request hypothesis found, and the number of requests sent. With
``DXKG_REPORT_DIR`` set, the counts are also written to ``fuzz-full.json`` there.
Other pytest options (``-x``, ``-k routes``) are passed on.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", default="full", choices=["ci", "full"])
    args, pytest_options = parser.parse_known_args()
    environment = {**os.environ, "DXKG_FUZZ_PROFILE": args.profile}
    command = [sys.executable, "-m", "pytest", "tests/test_fuzz.py", "-q", *pytest_options]
    # pytest's own exit status (1 if the fuzz found a failure) is this script's.
    completed = subprocess.run(
        command, check=False, cwd=ROOT, env=environment, stdin=subprocess.DEVNULL
    )
    sys.exit(completed.returncode)


if __name__ == "__main__":
    main()
