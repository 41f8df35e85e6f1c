"""`make run`: Django's dev server with the background worker and the scheduler beside it.

    python scripts/devserver.py 127.0.0.1:8000

Starts `manage.py db_worker` (runs the jobs: moderator mail, image renditions, the purge)
and `manage.py run_scheduler` (enqueues the digest and the purge when due) as child
processes, then runs `manage.py runserver ADDRESS` in the foreground. When runserver stops
(Ctrl-C, SIGTERM to this script, or an error), the worker and the scheduler are stopped
too; when either of them dies, the dev server is stopped with it, so a dev server never
runs without the worker its mail needs. Each child runs in a process group of its own
(the autoreloaders fork), and the whole group is stopped.
"""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT = 10
HELPERS = {
    "worker": ["db_worker"],
    "scheduler": ["run_scheduler"],
}


def manage(*args):
    return [sys.executable, str(ROOT / "manage.py"), *args]


def spawn(command):
    # A session (process group) of its own: the terminal's Ctrl-C reaches this script alone,
    # which stops every child in order, and stop() ends an autoreloader with what it forked.
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True)


def stop(process):
    """SIGTERM the process group, then SIGKILL what is left after STOP_TIMEOUT seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; its group may still hold an autoreloader's child.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        break
    process.wait()


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def run(address):
    """Run until runserver or a helper stops; return the exit status to report."""
    signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C stops us even when started from a shell that ignored SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    children = {}
    try:
        for name, args in HELPERS.items():
            children[name] = spawn(manage(*args))
        children["runserver"] = spawn(manage("runserver", address))
        while True:
            for name, process in children.items():
                code = process.poll()
                if code is None:
                    continue
                if name == "runserver":
                    return code if code >= 0 else 128 - code
                print(f"devserver: the {name} exited ({code}); stopping", file=sys.stderr)
                return 1
            with contextlib.suppress(subprocess.TimeoutExpired):
                children["runserver"].wait(timeout=1)
    except KeyboardInterrupt:
        return 130
    finally:
        # A second Ctrl-C must not leave children behind half-way through.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        # runserver first, so no request meets a stopped worker; then the helpers.
        for process in reversed(list(children.values())):
            stop(process)


def main(argv):
    if len(argv) != 2:
        print("usage: python scripts/devserver.py HOST:PORT", file=sys.stderr)
        return 2
    return run(argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
