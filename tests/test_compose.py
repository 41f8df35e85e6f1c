"""docker-compose.yml: the check CI runs refuses a broken file, and the stack's addresses
follow the port it is published on."""

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
CHECK = ROOT / "scripts" / "check_compose.py"

_spec = importlib.util.spec_from_file_location("check_compose", CHECK)
check_compose = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_compose)


def run_check(path):
    return subprocess.run(
        [sys.executable, CHECK, path], capture_output=True, text=True, check=False
    )


def broken_copy(tmp_path, old, new):
    text = COMPOSE_FILE.read_text()
    assert old in text
    path = tmp_path / "docker-compose.yml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_the_shipped_file_passes():
    result = run_check(COMPOSE_FILE)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("old", "new", "refused_by"),
    [
        # Not YAML at all: an unclosed flow sequence.
        ("    expose:\n", "    expose: [\n", "YAML"),
        # Valid YAML, but a key given twice: a lenient parser keeps the last one silently.
        ("    image: newsroom-web\n", "    image: newsroom-web\n    image: other\n", "YAML"),
        # Valid YAML, but not Compose: a key no service has.
        ("    image: newsroom-web\n", "    image: newsroom-web\n    replicaz: 3\n", "schema"),
        ("    expose:\n", "    expose: 8000\n", "schema"),
        # Valid against the schema, but a dependency on a service that does not exist.
        (
            "      cache:\n        condition: service_started\n",
            "      redis:\n        condition: service_started\n",
            "compose config",
        ),
    ],
)
def test_a_broken_copy_is_refused(tmp_path, old, new, refused_by):
    result = run_check(broken_copy(tmp_path, old, new))
    assert result.returncode == 1
    assert f": {refused_by}: " in result.stderr


def test_merge_keys_may_override_what_they_merge():
    text = "base: &base {a: 1, b: 2}\nderived:\n  <<: *base\n  b: 3\n"
    assert yaml.load(text, Loader=check_compose.StrictLoader)["derived"] == {"a": 1, "b": 3}  # noqa: S506


def interpolated(**env):
    """The web and proxy services as Compose itself resolves the file in this environment."""
    ours = {"WEB_PORT", "SITE_URL", "CSRF_TRUSTED_ORIGINS", "ALLOWED_HOSTS"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    clean |= {"SECRET_KEY": "s" * 50, "POSTGRES_PASSWORD": "p" * 24, **env}
    result = subprocess.run(
        [check_compose.compose_binary(), "-f", COMPOSE_FILE, "config", "--format", "json"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    )
    services = json.loads(result.stdout)["services"]
    return services["web"]["environment"], services["proxy"]["ports"]


@pytest.mark.parametrize("web_port", [None, "8017"])
def test_site_url_and_trusted_origins_follow_the_published_port(web_port):
    web, ports = interpolated(**({"WEB_PORT": web_port} if web_port else {}))
    (port,) = ports
    assert port["target"] == 80
    published = port["published"]
    assert published == (web_port or "8000")
    assert web["SITE_URL"] == f"http://localhost:{published}"
    origins = web["CSRF_TRUSTED_ORIGINS"].split(",")
    assert set(origins) == {f"http://localhost:{published}", f"http://127.0.0.1:{published}"}
    # Every trusted origin's host is one Django accepts.
    hosts = web["ALLOWED_HOSTS"].split(",")
    assert {origin.split("//")[1].rsplit(":", 1)[0] for origin in origins} <= set(hosts)


def test_an_operators_addresses_win_over_the_defaults():
    web, _ = interpolated(
        WEB_PORT="8017",
        SITE_URL="https://news.example.org",
        CSRF_TRUSTED_ORIGINS="https://news.example.org",
    )
    assert web["SITE_URL"] == "https://news.example.org"
    assert web["CSRF_TRUSTED_ORIGINS"] == "https://news.example.org"


def test_worker_and_scheduler_run_the_web_image_without_migrating():
    """Both background services run what web runs, leave migrations to web, and have a health
    check; the scheduler's check reads the heartbeat file its command writes."""
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    web = services["web"]
    assert "SKIP_MIGRATE" not in web["environment"]
    for name, command in (("worker", "db_worker"), ("scheduler", "run_scheduler")):
        service = services[name]
        assert service["image"] == web["image"]
        assert service["command"][:3] == ["python", "manage.py", command]
        assert service["environment"]["SKIP_MIGRATE"] == "1"
        assert service["depends_on"]["db"] == {"condition": "service_healthy"}
        assert service["depends_on"]["web"] == {"condition": "service_healthy"}
        assert service["healthcheck"]["test"]
    heartbeat = services["scheduler"]["command"][-1]
    assert services["scheduler"]["command"][-2] == "--heartbeat"
    assert heartbeat in services["scheduler"]["healthcheck"]["test"][-1]
    assert "check_task_queue" in services["worker"]["healthcheck"]["test"]
    # Renditions are written where web and nginx read media.
    assert "media:/app/media" in services["worker"]["volumes"]


@pytest.mark.parametrize(("age", "healthy"), [(5, True), (120, False), (None, False)])
def test_scheduler_health_check_reads_the_heartbeat_age(tmp_path, age, healthy):
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    heartbeat = services["scheduler"]["command"][-1]
    code = services["scheduler"]["healthcheck"]["test"][-1]
    beat = tmp_path / "heartbeat"
    if age is not None:
        beat.touch()
        os.utime(beat, (time.time() - age, time.time() - age))
    result = subprocess.run(
        [sys.executable, "-c", code.replace(heartbeat, str(beat))],
        capture_output=True,
        check=False,
    )
    assert (result.returncode == 0) is healthy


def test_the_proxy_mounts_every_folder_deploy_nginx_conf_names():
    """The micro-cache's folder is a named volume (its copies outlive a restarted proxy), the
    page for an unreachable app is the one in deploy/errors, media is the app's volume."""
    compose = yaml.safe_load(COMPOSE_FILE.read_text())
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    cache = re.search(r"^proxy_cache_path (\S+) ", site, re.MULTILINE).group(1)
    error_page = re.search(r"^\s*error_page 502 504 (\S+);", site, re.MULTILINE).group(1)
    errors = re.search(r"^\s*root (\S+);", site, re.MULTILINE).group(1)
    media = re.search(r"^\s*alias (\S+)/;", site, re.MULTILINE).group(1)
    mounts = {}
    for volume in compose["services"]["proxy"]["volumes"]:
        source, target, *mode = volume.split(":")
        mounts[target] = (source, mode)
    assert mounts["/etc/nginx/conf.d/default.conf"] == ("./deploy/nginx.conf", ["ro"])
    assert mounts[errors] == ("./deploy/errors", ["ro"])
    assert (ROOT / "deploy" / "errors" / error_page.lstrip("/")).is_file()
    assert mounts[media] == ("media", ["ro"])
    source, mode = mounts[cache]
    assert source in compose["volumes"]
    assert mode == []  # nginx writes there
