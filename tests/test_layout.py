"""The shape of the code: dependencies run one way, comments → articles."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMENTS = re.compile(r"^comments(\.|$)")
# Calls that import a module or reach an app by a dotted-path string.
BY_NAME = {"import_module", "__import__", "get_model", "get_app_config", "import_string"}


def imports_of_comments(source):
    """Lines of `source` that import the comments app: module level, inside a function, or by a
    dotted-path string given to importlib, apps or import_string."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            names = [
                arg.value
                for arg in node.args
                if called in BY_NAME
                and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
            ]
        else:
            continue
        if any(COMMENTS.match(name) for name in names):
            found.append(node.lineno)
    return found


@pytest.mark.parametrize(
    "source",
    [
        "from comments.models import Comment",
        "import comments.attach",
        "def f():\n    from comments import moderation",
        "import importlib\nimportlib.import_module('comments.models')",
        "from django.apps import apps\napps.get_model('comments', 'Comment')",
        "from django.utils.module_loading import import_string\nimport_string('comments.x.y')",
    ],
)
def test_the_walker_finds_every_way_of_importing_comments(source):
    assert imports_of_comments(source)


def test_the_walker_leaves_other_imports_and_names_alone():
    assert not imports_of_comments(
        "import commentsx\nfrom . import comments\nx = 'comments_enabled'"
    )


def test_no_module_of_articles_imports_comments():
    offenders = {
        str(path.relative_to(ROOT)): lines
        for path in sorted((ROOT / "articles").rglob("*.py"))
        if (lines := imports_of_comments(path.read_text()))
    }
    assert not offenders, f"articles must not know the comments app: {offenders}"
