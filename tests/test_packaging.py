"""Packaging: the wheel carries every resource, the bundle's entry points, desktop files.

The PyInstaller bundle itself takes about a minute and needs PyPI, so it is opt-in:
`MPSCOPE_BUNDLE_TEST=1 python -m pytest tests/test_packaging.py -k bundle`
(the same as `packaging/build_bundle.sh`).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tomllib
import types
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.mpscope.mpscope"
# pip could not reach an index for the build backend: not this project's fault.
OFFLINE_HINTS = ("No matching distribution found", "Could not find a version that satisfies",
                 "Failed to establish a new connection", "Temporary failure in name resolution",
                 "Network is unreachable")


def test_every_package_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT / "desktop").parts)
        for init in (ROOT / "desktop").rglob("__init__.py")
    }
    assert on_disk <= listed, f"add to pyproject.toml packages: {sorted(on_disk - listed)}"
    assert "mpscope.resources" in listed


# -- the wheel ---------------------------------------------------------------------------
def shipped_resources() -> list[str]:
    """Every file under resources/ that must be in the wheel (translation sources stay out)."""
    return sorted(
        path.relative_to(ROOT / "resources").as_posix()
        for path in (ROOT / "resources").rglob("*")
        if path.is_file() and path.suffix != ".ts" and "__pycache__" not in path.parts
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built with `pip wheel --no-deps` from a clean copy of the sources.

    A copy, because setuptools' build/lib in the checkout keeps files deleted from the
    source; a stale copy there would hide a missing package-data pattern.
    """
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for folder in ("desktop", "resources"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q",
         "--disable-pip-version-check", "-w", str(tmp / "dist")],
        capture_output=True, text=True, timeout=300, check=False,
    )
    if proc.returncode != 0:
        if any(hint in proc.stderr for hint in OFFLINE_HINTS):
            pytest.skip(f"pip cannot fetch the build backend offline: {proc.stderr[-300:]}")
        pytest.fail(f"pip wheel failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    (built,) = (tmp / "dist").glob("mpscope-*.whl")
    return built


def test_wheel_holds_every_resource_and_module(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [r for r in shipped_resources() if f"mpscope/resources/{r}" not in names]
    assert not missing, f"resources missing from the wheel (pyproject package-data): {missing}"
    for kind in ("icons/mpscope.svg", "translations/mpscope_zh_CN.qm",
                 "lessons/en/process_basics.md", "lessons/zh_CN/process_basics.md",
                 "lessons/scripts/01_process_basics.py"):
        assert f"mpscope/resources/{kind}" in names
    assert "mpscope/core/config/example.toml" in names
    modules = {p.relative_to(ROOT / "desktop").as_posix()
               for p in (ROOT / "desktop" / "mpscope").rglob("*.py")}
    assert not modules - names, f"modules missing from the wheel: {sorted(modules - names)}"
    assert not [n for n in names if n.endswith(".ts") or n.startswith(("tests/", "build/"))]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "mpscope = mpscope.cli:main" in text


def test_installed_wheel_finds_its_resources(wheel: Path, tmp_path: Path):
    """Unpacked as pip installs it, far from the checkout, the one helper finds everything."""
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import json, mpscope.assets as a\n"
        "from mpscope.core.config import example_text\n"
        "from mpscope.core import lessons\n"
        "print(json.dumps({'dir': str(a.resources_dir()),\n"
        "  'icon': a.resource_path('icons', 'mpscope.svg').is_file(),\n"
        "  'qm': a.resource_path('translations', 'mpscope_zh_CN.qm').is_file(),\n"
        "  'languages': lessons.languages(),\n"
        "  'lesson': lessons.text('process_basics', 'zh_CN')[:40],\n"
        "  'example': '[pool]' in example_text()}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    proc = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, check=True)
    found = json.loads(proc.stdout)
    assert Path(found["dir"]) == site / "mpscope" / "resources"
    assert found["icon"] and found["qm"] and found["example"]
    assert found["languages"] == ["en", "zh_CN"]
    assert found["lesson"].strip()


# -- the bundle's entry points -------------------------------------------------------------
def _main_block(path: Path) -> list[ast.stmt]:
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return node.body
    raise AssertionError(f"{path} has no `if __name__ == '__main__':` block")


@pytest.mark.parametrize("path", [PACKAGING / "mpscope_launcher.py",
                                  ROOT / "desktop" / "mpscope" / "__main__.py"])
def test_freeze_support_runs_first(path: Path):
    """A frozen worker re-runs the entry script: freeze_support() must come before anything."""
    first = _main_block(path)[0]
    assert ast.unparse(first) == "multiprocessing.freeze_support()"
    tree = ast.parse(path.read_text())
    top_imports = {alias.name for node in tree.body if isinstance(node, ast.Import)
                   for alias in node.names}
    top_from = [node.module for node in tree.body if isinstance(node, ast.ImportFrom)]
    assert not top_from and top_imports <= {"multiprocessing", "os", "sys"}, \
        "import mpscope only after freeze_support()"


def test_cli_main_starts_with_freeze_support():
    tree = ast.parse((ROOT / "desktop" / "mpscope" / "cli.py").read_text())
    main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
    assert ast.unparse(main.body[0]) == "multiprocessing.freeze_support()"


@pytest.mark.parametrize(("argv", "worker"), [
    (["mpscope", "--multiprocessing-fork", "tracker_fd=5", "pipe_handle=7"], True),
    (["mpscope", "-B", "-S", "-I", "-c",
      "from multiprocessing.resource_tracker import main;main(9)"], True),
    (["mpscope", "-c", "from multiprocessing.forkserver import main; main(1, 2, [])"], True),
    (["mpscope", "run", "demo.toml"], False),
    (["mpscope", "--autostart", "demo.toml"], False),
])
def test_runtime_hook_keeps_qt_out_of_workers(monkeypatch: pytest.MonkeyPatch, argv, worker):
    """packaging/pyi_rth_mpscope.py disables PyInstaller's QtCore import in workers only."""
    original = object()
    qt = types.SimpleNamespace(create_embedded_qt_conf=original)
    package = types.ModuleType("_pyi_rth_utils")
    package.qt = qt  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "_pyi_rth_utils", package)
    monkeypatch.setattr(sys, "argv", argv)
    exec(compile((PACKAGING / "pyi_rth_mpscope.py").read_text(), "pyi_rth_mpscope", "exec"), {})
    assert (qt.create_embedded_qt_conf is not original) is worker
    if worker:
        assert qt.create_embedded_qt_conf("PySide6", "/x") is None


def test_spec_uses_the_launcher_hook_and_resources():
    spec = (PACKAGING / "mpscope.spec").read_text()
    for needed in ("mpscope_launcher.py", "pyi_rth_mpscope.py", "resources_dir()",
                   "example.toml", "collect_submodules(", '"pyz+py"'):
        assert needed in spec


# -- desktop integration -------------------------------------------------------------------
DESKTOP = PACKAGING / f"{APP_ID}.desktop"
METAINFO = PACKAGING / f"{APP_ID}.metainfo.xml"


def desktop_entry() -> dict[str, str]:
    lines = DESKTOP.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))


def test_desktop_entry_names_the_app():
    entry = desktop_entry()
    assert entry["Exec"] == "mpscope %f" and entry["Terminal"] == "false"
    assert entry["Icon"] == APP_ID
    assert entry["Categories"] == "Development;Education;Monitor;"
    assert {"Name[zh_CN]", "Comment[zh_CN]", "GenericName[zh_CN]", "Keywords"} <= entry.keys()
    import xml.etree.ElementTree as ET

    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == DESKTOP.name
    assert component.find("releases/release").get("version") == tomllib.loads(
        (ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert (ROOT / "resources" / "icons" / "mpscope.svg").is_file()  # installed as APP_ID.svg


@pytest.mark.skipif(not shutil.which("desktop-file-validate"),
                    reason="desktop-file-validate missing (apt-get install desktop-file-utils)")
def test_desktop_file_validates():
    proc = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True,
                          text=True, timeout=60, check=False)
    # Hints are advice (two main categories are meant: it is a developer and a teaching tool).
    problems = [line for line in proc.stdout.splitlines() if ": hint: " not in line]
    assert proc.returncode == 0 and not problems, proc.stdout + proc.stderr


@pytest.mark.skipif(not shutil.which("appstreamcli"),
                    reason="appstreamcli not installed (apt-get install appstream)")
def test_metainfo_validates():
    proc = subprocess.run(["appstreamcli", "validate", "--no-net", str(METAINFO)],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_install_desktop_places_entry_metainfo_and_icon(tmp_path: Path):
    proc = subprocess.run(["bash", str(PACKAGING / "install_desktop.sh")], capture_output=True,
                          text=True, timeout=60, check=False,
                          env=dict(os.environ, PREFIX=str(tmp_path)))
    assert proc.returncode == 0, proc.stderr
    for path in (f"share/applications/{APP_ID}.desktop", f"share/metainfo/{APP_ID}.metainfo.xml",
                 f"share/icons/hicolor/scalable/apps/{APP_ID}.svg"):
        assert (tmp_path / path).is_file(), path


# -- the bundle (opt-in) -----------------------------------------------------------------
@pytest.mark.skipif(os.environ.get("MPSCOPE_BUNDLE_TEST") != "1",
                    reason="builds the PyInstaller bundle (~1 min, needs PyPI): "
                           "set MPSCOPE_BUNDLE_TEST=1 or run packaging/build_bundle.sh")
@pytest.mark.timeout(1800)
def test_bundle_builds_and_passes_its_smoke_test():
    proc = subprocess.run(["bash", str(PACKAGING / "build_bundle.sh")], capture_output=True,
                          text=True, timeout=1700, check=False)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-4000:]
    assert "smoke test: all checks passed" in proc.stdout
