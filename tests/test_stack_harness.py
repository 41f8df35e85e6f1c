"""The stack harness itself (tests/stack.py): what it runs is what we ship, and its fault
proxy fails as a stopped server does. No nginx, PostgreSQL or Redis needed here."""

import difflib
import shutil
import socket
import threading

import pytest

from tests import stack as harness


@pytest.fixture
def unstarted():
    stack = harness.Stack()
    yield stack
    shutil.rmtree(stack.tmp, ignore_errors=True)


def test_nginx_site_differs_from_deploy_nginx_conf_only_in_addresses_and_folders(unstarted):
    shipped = (harness.ROOT / "deploy" / "nginx.conf").read_text().splitlines()
    generated = unstarted.nginx_site().splitlines()
    changed = [
        line[2:].strip()
        for line in difflib.ndiff(shipped, generated)
        if line.startswith(("- ", "+ "))
    ]
    assert changed == [
        "server web:8000;",
        f"server 127.0.0.1:{unstarted.app_port};",
        "proxy_cache_path /var/cache/nginx/newsroom levels=1:2 keys_zone=newsroom_pages:64m",
        f"proxy_cache_path {unstarted.nginx_cache} levels=1:2 keys_zone=newsroom_pages:64m",
        "listen 80;",
        f"listen 127.0.0.1:{unstarted.port};",
        "root /srv/errors;",
        f"root {unstarted.error_pages};",
        "alias /srv/media/;",
        f"alias {unstarted.media_root}/;",
    ]


def test_an_nginx_conf_whose_upstream_moved_is_refused(unstarted, monkeypatch, tmp_path):
    conf = tmp_path / "deploy" / "nginx.conf"
    conf.parent.mkdir()
    shipped = (harness.ROOT / "deploy" / "nginx.conf").read_text()
    conf.write_text(shipped.replace("server web:8000;", "server app:8000;"))
    monkeypatch.setattr(harness, "ROOT", tmp_path)
    with pytest.raises(harness.StackError, match="server web:8000;"):
        unstarted.nginx_site()


def test_gunicorn_runs_the_dockerfile_command_on_a_loopback_port(unstarted):
    command = unstarted.gunicorn_command()
    assert command[:2] == ["sh", "-c"]
    assert command[2].startswith("exec gunicorn newsroom.wsgi:application ")
    assert f"--bind 127.0.0.1:{unstarted.app_port} " in command[2]
    assert "--workers ${WEB_CONCURRENCY:-3}" in command[2]
    assert unstarted._environment("postgres://db", "redis://cache")["WEB_CONCURRENCY"] == "2"


@pytest.fixture
def echo_server():
    """A TCP server that echoes what it receives, one thread per connection."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=echo, args=(connection,), daemon=True).start()

    def echo(connection):
        with connection:
            while data := connection.recv(4096):
                connection.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def test_fault_proxy_relays_then_cuts_live_connections_refuses_new_ones_and_comes_back(
    echo_server,
):
    proxy = harness.FaultProxy("127.0.0.1", echo_server).start()
    try:
        live = socket.create_connection(("127.0.0.1", proxy.port), timeout=10)
        live.sendall(b"ping")
        assert live.recv(4) == b"ping"

        proxy.down()
        assert live.recv(4) == b""  # the live connection was closed
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", proxy.port), timeout=10)

        proxy.up()
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as again:
            again.sendall(b"pong")
            assert again.recv(4) == b"pong"
        assert proxy.accepted == 2
        live.close()
    finally:
        proxy.close()


def test_the_worker_runs_the_compose_worker_command_without_migrating(unstarted, monkeypatch):
    import yaml

    services = yaml.safe_load((harness.ROOT / "docker-compose.yml").read_text())["services"]
    assert unstarted.worker_command() == services["worker"]["command"]
    started = []
    monkeypatch.setattr(unstarted, "_spawn", lambda *args: started.append(args))
    monkeypatch.setattr(harness, "wait_for", lambda *args: True)
    unstarted._start_worker({"PATH": "/bin"})
    [(name, command, env)] = started
    assert (name, env["SKIP_MIGRATE"]) == ("worker", "1")
    assert command == [
        str(harness.ROOT / "deploy" / "entrypoint.sh"),
        *services["worker"]["command"],
    ]


def test_smtp_sink_keeps_what_smtplib_sends():
    import smtplib
    from email.message import EmailMessage

    sink = harness.SmtpSink().start()
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@x.test", "b@x.test", "Hello"
        message.set_content("First line\n.starts with a dot\n")
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=10) as client:
            client.send_message(message)
        [received] = sink.received(".starts with a dot")
        assert received["Subject"] == "Hello"
        assert received.get_body().get_content() == "First line\n.starts with a dot\n"
        assert sink.received("not sent") == []
    finally:
        sink.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", sink.port), timeout=5).close()


def test_forms_are_read_as_a_browser_sends_them():
    html = """
    <form id="f" action="/save/">
      <input name="title" value="Bridge"><input type="submit" name="_save" value="Save">
      <input type="checkbox" name="open" checked><input type="checkbox" name="shut">
      <input type="radio" name="kind" value="news"><input type="radio" name="kind" value="op" checked>
      <textarea name="body">
First line</textarea>
      <select name="section"><option value="1">City</option><option value="2">Sport</option></select>
      <select name="status"><option value="draft">Draft</option>
        <option value="published" selected>Published</option></select>
      <select name="tags" multiple><option value="a" selected><option value="b">
        <option value="c" selected></select>
      <select name="none" multiple><option value="a"></select>
    </form>
    """
    assert harness.form(html, id="f") == {
        "id": "f",
        "action": "/save/",
        "fields": {
            "title": "Bridge",
            "open": "on",
            "kind": "op",
            "body": "First line",
            "section": "1",
            "status": "published",
            "tags": ["a", "c"],
        },
    }
