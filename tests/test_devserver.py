"""`make run` (scripts/devserver.py): the dev server with the job worker and the scheduler
beside it, all stopped together. Run for real, on a SQLite file of its own."""

import os
import signal
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.stack import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
DEADLINE = 120


@pytest.fixture(scope="module")
def dev_env(tmp_path_factory):
    database = tmp_path_factory.mktemp("devserver") / "db.sqlite3"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "DJANGO_", "COMMENTS_", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{database}",
        PYTHONUNBUFFERED="1",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=DEADLINE,
    )
    env["_DATABASE_FILE"] = str(database)
    return env


def descendants(pid):
    """Every process below `pid`, read from /proc (threads included)."""
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found |= {child, *descendants(child)}
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def answers(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def successful_jobs(database):
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT task_path FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
        ).fetchall()


def start(env):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "scripts/devserver.py", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return process, port


def commands(pids):
    found = {}
    for pid in pids:
        try:
            found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
    return found


@pytest.fixture
def devserver(dev_env):
    process, port = start(dev_env)
    try:
        yield process, port
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serves_runs_jobs_and_stops_every_child(devserver, dev_env, stop_signal):
    process, port = devserver
    wait_for(lambda: answers(port), DEADLINE, "runserver /healthz")
    # The scheduler enqueues the periodic jobs on start and the worker runs them.
    ran = wait_for(lambda: successful_jobs(dev_env["_DATABASE_FILE"]), DEADLINE, "a job run")
    assert ran
    children = descendants(process.pid)
    running = {args[2] for args in commands(children).values() if len(args) > 2}
    assert {b"runserver", b"db_worker", b"run_scheduler"} <= running

    # Ctrl-C in the terminal (SIGINT), or a process manager's SIGTERM.
    process.send_signal(stop_signal)
    assert process.wait(timeout=DEADLINE) == 128 + stop_signal
    assert not [pid for pid in children if alive(pid)]
    assert not answers(port)


def test_a_dead_worker_stops_the_dev_server(devserver):
    process, port = devserver
    wait_for(lambda: answers(port), DEADLINE, "runserver /healthz")
    workers = [
        pid
        for pid, args in commands(descendants(process.pid)).items()
        if len(args) > 2 and args[2] == b"db_worker"
    ]
    assert workers
    children = descendants(process.pid)
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    assert process.wait(timeout=DEADLINE) == 1
    assert not [pid for pid in children if alive(pid)]


def run_make_run(tmp_path, **environ):
    """`make run` with a stand-in Python that records what each step was started with."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    log = tmp_path / "calls.log"
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\necho "$SITE_LANGUAGES $*" >> {log}\n')
    python.chmod(0o755)
    (venv / ".run-installed").touch()  # newer than requirements.lock: nothing to install
    env = {key: value for key, value in os.environ.items() if key != "SITE_LANGUAGES"}
    env.update(environ)
    subprocess.run(
        ["make", "--no-print-directory", "run", f"VENV={venv}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=DEADLINE,
    )
    return [line.split(" ", 1) for line in log.read_text().splitlines()]


def test_make_run_serves_and_seeds_every_edition_of_the_demo(tmp_path):
    calls = run_make_run(tmp_path)
    steps = [args for _, args in calls]
    assert any(args.split()[-1] == "seed_demo" for args in steps), steps
    assert any("scripts/devserver.py" in args for args in steps), steps
    # Migrate, seed and serve alike: the demo's stories and the server's addresses agree.
    assert {languages for languages, _ in calls} == {"en,ar,fa,ur"}


def test_make_run_keeps_the_editions_it_is_given(tmp_path):
    calls = run_make_run(tmp_path, SITE_LANGUAGES="en")
    assert {languages for languages, _ in calls} == {"en"}
