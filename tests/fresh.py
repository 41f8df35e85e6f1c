"""Run Python in a fresh interpreter, at the project root, with exactly the given environment.

Settings are read once per process from the environment: a test of what a configuration
selects loads them where nothing of the test run (its DATABASE_URL, REDIS_URL, DEBUG) leaks in.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code, env):
    """`python -c code` with `env` plus PATH; the finished process, whatever its exit code."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=False,
    )


def run_json(code, env):
    """Like run(), for code that prints one JSON value last: that value (it must succeed)."""
    result = run(code, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
