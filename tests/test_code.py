"""The code's own shape: types checked, small functions, stages that import only earlier ones, and a package
that installs whole."""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import CONTENT, ROOT, TEMPLATES

PACKAGE = ROOT / "generator"
# The stages in pipeline order; a module may import from its own stage and earlier ones only.
STAGES = ["shared", "importer", "content", "site", "search", "incremental", "build", "serve", "cli"]
SHARED = {"model", "errors", "digest", "progress", "__init__"}
LONGEST_FUNCTION = 60


def stage_of(module: str) -> str:
    """'generator.site.pages' -> 'site'; 'generator.model' -> 'shared'; 'generator.__main__' -> 'cli'."""
    parts = module.split(".")[1:] or ["__init__"]
    if parts[0] in SHARED:
        return "shared"
    if parts[0] in ("__main__", "importing"):
        return "cli"
    return parts[0]


def modules() -> dict[str, tuple[str, ast.Module]]:
    """Each generator module's name -> (the package its relative imports start from, its syntax tree)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("generator", *path.relative_to(PACKAGE).with_suffix("").parts)
        package = ".".join(parts[:-1])
        name = package if parts[-1] == "__init__" else ".".join(parts)
        found[name] = (package, ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return found


def imported(package: str, tree: ast.Module) -> set[str]:
    """The generator modules a module imports, relative imports resolved from its `package`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                names.add(".".join([*base, node.module] if node.module else base))
            else:
                names.add(node.module or "")
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name == "generator" or name.startswith("generator.")}


def test_no_module_imports_from_a_later_stage() -> None:
    backwards = []
    for module, (package, tree) in modules().items():
        for target in imported(package, tree):
            if STAGES.index(stage_of(target)) > STAGES.index(stage_of(module)):
                backwards.append(f"{module} imports {target}")
    assert not backwards, backwards


def test_the_stages_are_folders_in_pipeline_order() -> None:
    folders = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert folders == {"importer", "content", "site", "search", "incremental"}
    assert stage_of("generator.site.pages") == "site" and stage_of("generator.model") == "shared"


def test_no_function_is_longer_than_a_screen() -> None:
    long = []
    for module, (_, tree) in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1          # type: ignore[operator]
                if lines > LONGEST_FUNCTION:
                    long.append(f"{module}.{node.name}: {lines} lines")
    assert not long, long


def test_the_build_is_a_short_story_over_one_request() -> None:
    _, tree = modules()["generator.build"]
    build = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "build")
    assert build.end_lineno - build.lineno + 1 <= 60                   # type: ignore[operator]
    assert len(build.args.args) + len(build.args.kwonlyargs) <= 5
    assert build.args.args[0].arg == "request"


def test_types_check() -> None:
    checked = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_plain_install_ships_every_stage_and_builds(tmp_path: Path) -> None:
    """`pip install .` (not editable): every subpackage is in the wheel, and the installed package builds a
    site from a folder with content and templates, with the project's own folder nowhere on the path."""
    made = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "wheel"),
                           str(ROOT)], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    wheel = next((tmp_path / "wheel").glob("*.whl"))
    shipped = set(zipfile.ZipFile(wheel).namelist())
    source = {path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*.py")}
    assert source <= shipped, sorted(source - shipped)
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                                str(tmp_path / "installed"), str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    work = tmp_path / "work"
    shutil.copytree(CONTENT, work / "content")
    shutil.copytree(TEMPLATES, work / "templates")
    env = {"PYTHONPATH": str(tmp_path / "installed"), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                          "import generator.cli; print(generator.cli.__file__); "
                          "sys.exit(generator.cli.main(['build', '-q']))",
                          str(tmp_path / "installed")], cwd=work, capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(str(tmp_path / "installed")), run.stdout
    assert (work / "site" / "decisions" / "24-001-566" / "index.html").is_file()
    assert str(ROOT) not in run.stderr
