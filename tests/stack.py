"""The production stack, started on this machine as production starts it, for tests and drills.

`Stack` brings up, in a temporary directory of its own:
  - a fresh PostgreSQL database (CREATE DATABASE on the server of STACK_ADMIN_DATABASE_URL,
    dropped WITH (FORCE) at the end), and a Redis key prefix of its own on STACK_REDIS_URL;
  - the app through `deploy/entrypoint.sh` (migrate, collectstatic) and the Dockerfile's own
    gunicorn command, with 2 workers and production settings (DEBUG off);
  - Debian's nginx running `deploy/nginx.conf`, changed only where a container address cannot
    work here: the upstream, the listen port, and the media, micro-cache and error-page
    folders (each substitution must match exactly once, so an edit of the file that moves
    them fails loudly);
  - the job worker with the command docker-compose.yml gives its `worker` service, through
    the same entrypoint with SKIP_MIGRATE=1, and an `SmtpSink` it sends mail to;
  - optionally a `FaultProxy` between gunicorn and PostgreSQL and/or Redis, so a test can cut
    the database or the cache without touching the machine's real services.

Every process is started with Popen in a session of its own, waited for by condition (a port,
/healthz) with a deadline, and stopped by its PID when the stack closes, whatever happened.
Logs stay in the temporary directory; `Stack.logs()` returns them for a failure report.

    with Stack(proxy_database=True) as stack:
        requests.get(stack.url("/healthz"))
        stack.database_proxy.down()

Nothing here imports Django: the app runs only in the subprocesses, as in production.
"""

import asyncio
import contextlib
import email
import email.policy
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX = os.environ.get("NGINX_PATH", "/usr/sbin/nginx")
NGINX_MIME_TYPES = Path(os.environ.get("NGINX_MIME_TYPES", "/etc/nginx/mime.types"))
ADMIN_DATABASE_URL = os.environ.get(
    "STACK_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/9")
IN_CI = os.environ.get("CI", "").lower() == "true"
WORKERS = 2
START_TIMEOUT = 120  # migrate on a cold, busy CI machine; a healthy start takes a few seconds
STOP_TIMEOUT = 20
# The stack's readers and staff: a browser's User-Agent (the comment policy files a library's
# own agent as spam, as it should).
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0"
MODERATOR = ("stack-moderator", "stack-moderator-passphrase-7c1")
EDITOR = ("stack-editor", "stack-editor-passphrase-9d4")


def _fetch(url, sql, params=()):
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(sql, params).fetchall()


class StackError(RuntimeError):
    """The stack could not start or answer; the message carries the end of every log."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_services():
    """What this machine lacks to run a stack ([] when nginx, PostgreSQL and Redis are there)."""
    missing = []
    if not os.access(NGINX, os.X_OK):
        missing.append(f"nginx at {NGINX} (apt-get install nginx)")
    try:
        import psycopg

        psycopg.connect(ADMIN_DATABASE_URL, connect_timeout=3).close()
    except Exception as error:  # noqa: BLE001 (any failure means: no usable server)
        missing.append(f"PostgreSQL at {ADMIN_DATABASE_URL} ({error.__class__.__name__})")
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        missing.append(f"Redis at {REDIS_URL} ({error.__class__.__name__})")
    return missing


def require_services():
    """Skip the calling test module when the stack cannot run here; under CI=true, fail."""
    import pytest

    missing = missing_services()
    if missing:
        message = "the stack test needs " + "; ".join(missing)
        if IN_CI:
            pytest.fail(f"{message} (CI=true: stack tests may not skip)", pytrace=False)
        pytest.skip(message)


def running_stack(request, **options):
    """Body of the suite's `stack` fixture: start, yield, report logs on failure, tear down.

    After the teardown it checks what teardown promises: no process of the stack is left and
    its database is gone.
    """
    require_services()
    failed_before = request.session.testsfailed
    with Stack(**options) as stack:
        yield stack
        if request.session.testsfailed > failed_before:
            reporter = request.config.pluginmanager.get_plugin("terminalreporter")
            reporter.write_sep("-", "stack logs")
            reporter.write_line(stack.describe() + stack.logs())
        pids = set().union(*(stack.pids(name) for name in stack.processes))
    left = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    assert not left, f"stack processes left after teardown: {left}"
    assert not stack.query_admin(
        "SELECT 1 FROM pg_database WHERE datname = %s", (stack.database,)
    ), f"database {stack.database} left after teardown"


def wait_for(condition, timeout, what, stack=None):
    """Poll `condition` until it is truthy (and return it) or raise after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise StackError(f"{what}: not within {timeout}s" + (stack.logs() if stack else ""))
        time.sleep(0.1)


def with_netloc(url, host, port):
    parts = urlsplit(url)
    auth = parts.netloc.rpartition("@")[0]
    netloc = f"{auth}@{host}:{port}" if auth else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class FaultProxy:
    """A TCP relay on a loopback port that can fail like the service behind it.

    `down()` closes every live connection and stops listening, so new connections are refused
    as by a stopped server; `up()` listens again on the same port. It runs an asyncio loop in a
    thread of its own; both methods return once the change has happened.
    """

    def __init__(self, target_host, target_port, name="proxy"):
        self.target = (target_host, target_port)
        self.name = name
        self.port = free_port()
        self.accepted = 0
        self.is_up = False
        self._server = None
        self._live = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)

    def start(self):
        self._thread.start()
        self.up()
        return self

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    def up(self):
        self._call(self._listen())

    def down(self):
        self._call(self._cut())

    def close(self):
        if self._thread.is_alive():
            self._call(self._shutdown())
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    async def _listen(self):
        if self._server is None:
            self._server = await asyncio.start_server(
                self._relay, "127.0.0.1", self.port, reuse_address=True
            )
        self.is_up = True

    async def _cut(self):
        self.is_up = False
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._live):
            writer.transport.abort()
        self._live.clear()

    async def _shutdown(self):
        await self._cut()
        relays = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in relays:
            task.cancel()
        await asyncio.gather(*relays, return_exceptions=True)

    async def _relay(self, client_reader, client_writer):
        if not self.is_up:
            client_writer.transport.abort()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        self.accepted += 1
        pair = {client_writer, server_writer}
        self._live |= pair

        async def pump(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                # Either side hanging up ends the conversation for both.
                for end in pair:
                    end.transport.abort()

        await asyncio.gather(
            pump(client_reader, server_writer), pump(server_reader, client_writer)
        )
        self._live -= pair


class SmtpSink:
    """A local SMTP server that accepts every message and keeps it, for the app's mail.

    Speaks what Django's SMTP backend uses (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
    on a loopback port, from an asyncio loop in a thread of its own. `messages` holds each
    message as an `email.message.EmailMessage`, in the order received.
    """

    def __init__(self):
        self.port = free_port()
        self.messages = []
        self._server = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="smtp", daemon=True)

    def start(self):
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=30)
        return self

    def close(self):
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    def received(self, text):
        """The messages whose body contains `text`."""
        return [m for m in list(self.messages) if text in m.get_body().get_content()]

    async def _listen(self):
        self._server = await asyncio.start_server(self._session, "127.0.0.1", self.port)

    async def _shutdown(self):
        self._server.close()
        await self._server.wait_closed()

    async def _session(self, reader, writer):
        async def say(line):
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        try:
            await say("220 stack-smtp ready")
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb in {b"EHLO", b"HELO"}:
                    await say("250 stack-smtp")
                elif verb in {b"MAIL", b"RCPT", b"RSET", b"NOOP"}:
                    await say("250 OK")
                elif verb == b"DATA":
                    await say("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while (data := await reader.readline()) not in {b".\r\n", b""}:
                        # Undo the transfer's dot-stuffing and CRLF line ends.
                        data = data[1:] if data.startswith(b"..") else data
                        lines.append(data.removesuffix(b"\r\n").removesuffix(b"\n") + b"\n")
                    self.messages.append(
                        email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                    )
                    await say("250 OK: queued")
                elif verb == b"QUIT":
                    await say("221 Bye")
                    break
                else:
                    await say("502 Command not implemented")
        except ConnectionError:
            pass
        finally:
            writer.close()


# Run with `manage.py shell -c` in the stack's environment: what every stack test needs.
SEED = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from articles.desk import roles
from articles.models import Article, Section
from django_otp.plugins.otp_static.models import StaticDevice

roles.sync_groups()
section, _ = Section.objects.get_or_create(slug="city", defaults={"name": "City"})
story = Article.objects.create(
    headline="Council opens the new river bridge",
    slug="council-opens-the-new-river-bridge",
    standfirst="Thousands walked across on the first morning.",
    body="<p>The bridge opened at dawn.</p>",
    section=section,
    status=Article.Status.PUBLISHED,
    publish_at=timezone.now() - timedelta(hours=1),
    comments_enabled=True,
)
User = get_user_model()
for (username, password), group in ((%(moderator)r, roles.MODERATORS), (%(editor)r, roles.EDITORS)):
    user = User.objects.create_user(
        username, email=username + "@newsroom.test", password=password, is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    # Production settings ask publishers and moderators for a second step: recovery codes
    # (one-time, no clock), as a person would use when away from their phone.
    device = StaticDevice.objects.create(user=user, name="stack")
    for n in range(%(codes)d):
        device.token_set.create(token=f"stack{n:02d}")
print(json.dumps({"story_id": story.pk, "story_path": story.get_absolute_url(),
                  "headline": story.headline}))
"""


class Stack:
    """gunicorn behind nginx on PostgreSQL and Redis, as production runs it; see the module."""

    def __init__(self, proxy_database=False, proxy_redis=False, env=None, keep=None):
        self.token = secrets.token_hex(4)
        self.database = f"newsroom_stack_{os.getpid()}_{self.token}"
        self.tmp = Path(tempfile.mkdtemp(prefix="newsroom-stack-"))
        # nginx workers drop root for an unprivileged user: they must reach media and temp.
        self.tmp.chmod(0o755)
        self.media_root = self.tmp / "media"
        self.static_root = self.tmp / "static"
        # nginx's micro-cache (created by nginx) and its page for an unreachable app.
        self.nginx_cache = self.tmp / "nginx-cache"
        self.error_pages = self.tmp / "errors"
        self.app_port = free_port()
        self.port = free_port()
        self.host = "127.0.0.1"
        self.base = f"http://{self.host}:{self.port}"
        self.cache_prefix = f"stack-{self.token}"
        self.proxy_database = proxy_database
        self.proxy_redis = proxy_redis
        self.extra_env = dict(env or {})
        self.keep = os.environ.get("STACK_KEEP") == "1" if keep is None else keep
        self.database_proxy = None
        self.redis_proxy = None
        self.mail = SmtpSink()
        self.processes = {}
        self.facts = {}
        self._database_created = False

    # Addresses

    def url(self, path="/"):
        return self.base + path

    @property
    def origin(self):
        return self.base

    def database_url(self):
        parts = urlsplit(ADMIN_DATABASE_URL)
        return urlunsplit((parts.scheme, parts.netloc, f"/{self.database}", "", ""))

    # Life cycle

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self):
        import psycopg

        with psycopg.connect(ADMIN_DATABASE_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')
        self._database_created = True
        database_url = self.database_url()
        redis_url = REDIS_URL
        self.mail.start()
        if self.proxy_database:
            parts = urlsplit(database_url)
            self.database_proxy = FaultProxy(
                parts.hostname, parts.port or 5432, "postgresql-proxy"
            ).start()
            database_url = with_netloc(database_url, "127.0.0.1", self.database_proxy.port)
        if self.proxy_redis:
            parts = urlsplit(redis_url)
            self.redis_proxy = FaultProxy(
                parts.hostname, parts.port or 6379, "redis-proxy"
            ).start()
            redis_url = with_netloc(redis_url, "127.0.0.1", self.redis_proxy.port)
        self.env = self._environment(database_url, redis_url)
        self._start_app()
        self.facts = self._seed()
        # The fault proxies stand before the web app, which the fault tests are about; the
        # worker reaches the services directly (after an outage compose restarts it).
        self._start_worker(dict(self.env, DATABASE_URL=self.database_url(), REDIS_URL=REDIS_URL))
        self._start_nginx()
        return self

    def stop(self):
        """Stop everything this stack started, by PID, and drop its database; never raises."""
        for name in reversed(list(self.processes)):
            self._stop_process(name)
        for proxy in (self.database_proxy, self.redis_proxy, self.mail):
            if proxy is not None:
                proxy.close()
        if self._database_created:
            try:
                import psycopg

                with psycopg.connect(ADMIN_DATABASE_URL, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
                self._database_created = False
            except Exception as error:  # noqa: BLE001 (teardown reports, never masks)
                print(f"stack: could not drop {self.database}: {error}", file=sys.stderr)
        self._forget_cache()
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _forget_cache(self):
        try:
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"{self.cache_prefix}:*", count=500))
            if keys:
                client.delete(*keys)
        except Exception as error:  # noqa: BLE001
            print(f"stack: could not clear {self.cache_prefix}: {error}", file=sys.stderr)

    # The app

    def _environment(self, database_url, redis_url):
        """Production settings, from a clean environment: nothing of the caller's leaks in."""
        env = {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            # gunicorn keeps a control socket in $HOME/.gunicorn: one home per stack.
            "HOME": str(self.tmp),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "false",
            "SECRET_KEY": "stack-" + secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": self.base,
            "SITE_URL": self.base,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": self.cache_prefix,
            "STATIC_ROOT": str(self.static_root),
            "MEDIA_ROOT": str(self.media_root),
            "WEB_CONCURRENCY": str(WORKERS),
            # As docker-compose.yml runs locally: no TLS proxy in front.
            "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false",
            "COMMENTS_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
            "COMMENTS_PROXY_COUNT": "1",
            # A test posts as soon as it has read the form; no sleeping for the "too fast" check.
            "COMMENTS_MIN_SECONDS": "0",
            # The worker's moderator mail goes to the stack's SMTP sink.
            "EMAIL_URL": f"smtp://127.0.0.1:{self.mail.port}",
            "COMMENTS_NOTIFY_EMAILS": "moderators@newsroom.test",
        }
        env.update(self.extra_env)
        return env

    def gunicorn_command(self):
        """The Dockerfile's CMD, bound to this stack's loopback port instead of 0.0.0.0:8000."""
        dockerfile = (ROOT / "Dockerfile").read_text()
        match = re.search(r"^CMD\s+(\[.*\])\s*$", dockerfile, re.MULTILINE)
        if match is None:
            raise StackError("Dockerfile: no CMD [...] line")
        command = json.loads(match.group(1))
        if command[:2] != ["sh", "-c"] or "--bind 0.0.0.0:8000" not in command[2]:
            raise StackError(f"Dockerfile CMD is not the expected gunicorn line: {command}")
        return [
            "sh",
            "-c",
            command[2].replace("--bind 0.0.0.0:8000", f"--bind 127.0.0.1:{self.app_port}"),
        ]

    def _start_app(self):
        # The image's ENTRYPOINT: migrate and collectstatic, then exec the command.
        self._spawn("gunicorn", [str(ROOT / "deploy" / "entrypoint.sh"), *self.gunicorn_command()])
        wait_for(
            lambda: self._check_alive("gunicorn") and self.healthy(self.app_port),
            START_TIMEOUT,
            "gunicorn /healthz",
            self,
        )

    def restart_app(self):
        """Start gunicorn again after a test stopped it (the entrypoint migrates: a no-op)."""
        self._stop_process("gunicorn")
        self._start_app()

    def restart_worker(self):
        """Start the job worker again after a test stopped it, as compose's restart policy does."""
        self._stop_process("worker")
        self._start_worker(dict(self.env, DATABASE_URL=self.database_url(), REDIS_URL=REDIS_URL))

    def worker_command(self):
        """The `command` of docker-compose.yml's worker service."""
        import yaml

        services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
        command = services["worker"]["command"]
        if command[:3] != ["python", "manage.py", "db_worker"]:
            raise StackError(f"docker-compose.yml worker is not the expected db_worker: {command}")
        return command  # `python` is the virtualenv's: BIN leads the stack's PATH

    def _start_worker(self, env):
        # As compose runs it: the image's entrypoint, web's migrations left alone.
        env = dict(env, SKIP_MIGRATE="1")
        self._spawn(
            "worker", [str(ROOT / "deploy" / "entrypoint.sh"), *self.worker_command()], env
        )
        log = self.tmp / "worker.log"
        wait_for(
            lambda: self._check_alive("worker") and b"Starting worker" in log.read_bytes(),
            START_TIMEOUT,
            "the job worker",
            self,
        )

    def _seed(self):
        code = SEED % {"moderator": MODERATOR, "editor": EDITOR, "codes": RECOVERY_CODES}
        result = self.manage("shell", "-c", code)
        return json.loads(result.stdout.strip().splitlines()[-1])

    def manage(self, *args, timeout=120):
        """Run `manage.py <args>` in the stack's environment; raise with its output on failure."""
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise StackError(
                f"manage.py {args[0]} failed ({result.returncode}):\n{result.stdout}\n"
                f"{result.stderr}" + self.logs()
            )
        return result

    def healthy(self, port, host="127.0.0.1"):
        request = urllib.request.Request(f"http://{host}:{port}/healthz")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status == 200
        except (OSError, urllib.error.HTTPError):
            return False

    # nginx

    def nginx_site(self):
        """deploy/nginx.conf with this stack's upstream, listen port, media folder, cache
        folder and error pages (docker-compose.yml mounts the last three)."""
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        changes = (
            ("server web:8000;", f"server 127.0.0.1:{self.app_port};"),
            ("listen 80;", f"listen 127.0.0.1:{self.port};"),
            ("alias /srv/media/;", f"alias {self.media_root}/;"),
            (
                "proxy_cache_path /var/cache/nginx/newsroom ",
                f"proxy_cache_path {self.nginx_cache} ",
            ),
            ("root /srv/errors;", f"root {self.error_pages};"),
        )
        for old, new in changes:
            if site.count(old) != 1:
                raise StackError(f"deploy/nginx.conf: expected {old!r} exactly once")
            site = site.replace(old, new)
        return site

    def _start_nginx(self):
        self.media_root.mkdir(exist_ok=True)
        self.media_root.chmod(0o755)
        shutil.copytree(ROOT / "deploy" / "errors", self.error_pages)
        nginx_dir = self.tmp / "nginx"
        nginx_dir.mkdir()
        (nginx_dir / "site.conf").write_text(self.nginx_site())
        # What the nginx image's main nginx.conf gives deploy/nginx.conf, paths in our folder.
        temp = {name: nginx_dir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        main = f"""
worker_processes 1;
pid {nginx_dir / "nginx.pid"};
error_log {self.tmp / "nginx-error.log"} info;
events {{ worker_connections 256; }}
http {{
    include {NGINX_MIME_TYPES};
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
    access_log {self.tmp / "nginx-access.log"};
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {nginx_dir / "site.conf"};
}}
"""
        (nginx_dir / "nginx.conf").write_text(main)
        command = [NGINX, "-p", str(nginx_dir), "-c", str(nginx_dir / "nginx.conf")]
        command += ["-e", str(self.tmp / "nginx-error.log")]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if checked.returncode != 0:
            raise StackError(f"nginx -t refused the configuration:\n{checked.stderr}")
        self._spawn("nginx", [*command, "-g", "daemon off;"])
        wait_for(
            lambda: self._check_alive("nginx") and self.healthy(self.port),
            START_TIMEOUT,
            "nginx /healthz",
            self,
        )

    # Processes

    def _spawn(self, name, command, env=None):
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        self.processes[name] = process
        return process

    def _check_alive(self, name):
        process = self.processes[name]
        if process.poll() is not None:
            raise StackError(f"{name} exited with {process.returncode}" + self.logs())
        return True

    def _stop_process(self, name):
        process = self.processes.pop(name)
        if process.poll() is None:
            # gunicorn and nginx both stop their workers on SIGTERM; the group is theirs alone.
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT)
        with contextlib.suppress(ProcessLookupError):  # workers left by a master that died
            os.killpg(process.pid, signal.SIGKILL)
        process.log.close()

    def pids(self, name):
        """The PID of a started process and of its children (gunicorn's workers)."""
        process = self.processes[name]
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        found = children.read_text().split() if children.exists() else []
        return {process.pid, *map(int, found)}

    def logs(self, tail=12_000):
        """The end of every log of the stack, for a failure report."""
        parts = []
        for path in sorted(self.tmp.glob("*.log")):
            text = path.read_bytes()[-tail:].decode("utf-8", "replace")
            parts.append(f"\n----- {path.name} ({self.tmp}) -----\n{text}")
        return "".join(parts)

    # The database, for checking what the stack stored

    def query(self, sql, params=()):
        """Rows of `sql` in the stack's database (what the app stored)."""
        return _fetch(self.database_url(), sql, params)

    def query_admin(self, sql, params=()):
        """Rows of `sql` on the server's maintenance database."""
        return _fetch(ADMIN_DATABASE_URL, sql, params)

    def describe(self):
        return (
            f"stack: nginx {self.base} -> gunicorn 127.0.0.1:{self.app_port} "
            f"({WORKERS} workers), job worker, mail to 127.0.0.1:{self.mail.port}, "
            f"database {self.database}, logs in {self.tmp}; "
            f"gunicorn: {shlex.join(self.gunicorn_command())}"
        )


# Clients: what a browser sends and reads, over HTTP through nginx.


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []
        self._textarea = None
        self._textarea_opened = False
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"id": attrs.get("id"), "action": attrs.get("action"), "fields": {}})
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:  # a browser sends "on" for one without a value
                    self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "on")
            elif attrs.get("type") not in {"submit", "button", "file"}:
                self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._textarea_opened = True
            self.forms[-1]["fields"][self._textarea] = ""
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._select["options"].append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea:
            fields = self.forms[-1]["fields"]
            if self._textarea_opened:  # a line break right after <textarea> is not sent
                data = data.removeprefix("\n")
                self._textarea_opened = False
            fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            # What a browser sends: the selected options; a single select without one, its first.
            select, self._select = self._select, None
            chosen = [value for value, selected in select["options"] if selected]
            if select["multiple"]:
                if chosen:
                    self.forms[-1]["fields"][select["name"]] = chosen
            elif chosen or select["options"]:
                self.forms[-1]["fields"][select["name"]] = (chosen or [select["options"][0][0]])[
                    -1
                ]


def forms(html):
    """Every form of a page: [{"id", "action", "fields": {name: value}}], as a browser sends
    (a multiple select's value is the list of its selected options)."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def form(html, *, id=None, action=None):  # noqa: A002 (the HTML attribute's name)
    for found in forms(html):
        if (id is None or found["id"] == id) and (action is None or found["action"] == action):
            return found
    raise AssertionError(f"no form id={id!r} action={action!r} on the page")


def browser(source=None):
    """A requests session that looks like a reader's browser.

    `source` is a loopback address of its own (127.0.0.2, ...): nginx sees another client,
    so the comment rate limit counts it apart, as it would a reader on another connection.
    """
    import requests
    from requests.adapters import HTTPAdapter

    class FromAddress(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            kwargs["source_address"] = (source, 0)
            super().init_poolmanager(*args, **kwargs)

    session = requests.Session()
    session.headers["User-Agent"] = BROWSER
    if source is not None:
        session.mount("http://", FromAddress())
    return session


RECOVERY_CODES = 20
_codes_used = {}


def login(session, base, username, password):
    """Log in to the admin through nginx as a browser does; return the answer to the last POST.

    The one place that knows how staff log in: GET the login page, POST its form with the
    CSRF token, the browser's Origin and Referer; then the two-factor step that production
    asks of publishers and moderators, with one of the recovery codes SEED gave them (each
    works once). Raises when either step is not accepted.
    """

    def refused(answer, step):
        return AssertionError(
            f"{step} as {username} at {base}: {answer.status_code} "
            f"{answer.headers.get('Location')}\n{answer.text[:2000]}"
        )

    page = session.get(f"{base}/admin/login/?next=/admin/", timeout=30)
    page.raise_for_status()
    fields = form(page.text, id="login-form")["fields"]
    fields.update(username=username, password=password)
    answer = session.post(
        f"{base}/admin/login/?next=/admin/",
        data=fields,
        headers={"Origin": base, "Referer": page.url},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or answer.headers.get("Location") != "/admin/":
        raise refused(answer, "login")
    # The admin sends a session that owes its second step to the code page.
    held = session.get(f"{base}/admin/", allow_redirects=False, timeout=30)
    if held.status_code != 302 or "/admin/two-factor/verify/" not in held.headers["Location"]:
        raise refused(held, "two-factor hold")
    page = session.get(f"{base}{held.headers['Location']}", timeout=30)
    page.raise_for_status()
    used = _codes_used[username] = _codes_used.get(username, -1) + 1
    fields = form(page.text, id="twofactor-form")["fields"]
    fields.update(token=f"stack{used:02d}")
    answer = session.post(
        page.url,
        data=fields,
        headers={"Origin": base, "Referer": page.url},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or answer.headers.get("Location") != "/admin/":
        raise refused(answer, "two-factor code")
    return answer


def comment_fields(session, stack):
    """The comment form of the stack's story as a reader's browser would send it back."""
    page = session.get(stack.url(stack.facts["story_path"]), timeout=30)
    page.raise_for_status()
    found = form(page.text, id="comment-form")
    return found["action"], found["fields"]


def post_comment(session, stack, body, *, name="Ada Reader", email=None, loaded=None, **kwargs):
    """POST a comment from the story page (read now, or `loaded` earlier) with our Origin."""
    action, fields = loaded or comment_fields(session, stack)
    fields = dict(fields, name=name, body=body)
    fields["email"] = email or f"reader-{secrets.token_hex(4)}@example.org"
    headers = {"Origin": stack.origin, "Referer": stack.url(stack.facts["story_path"])}
    headers.update(kwargs.pop("headers", {}))
    return session.post(
        stack.url(action),
        data=fields,
        headers=headers,
        allow_redirects=False,
        timeout=kwargs.pop("timeout", 70),
        **kwargs,
    )
