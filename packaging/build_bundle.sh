#!/usr/bin/env bash
# Build the one-folder bundle dist/mpscope/ with PyInstaller, then smoke-test it headless
# and offscreen (packaging/smoke_bundle.py). Run from anywhere:
#
#   packaging/build_bundle.sh           # fresh venv in build/bundle/, build, smoke-test
#   packaging/build_bundle.sh --smoke   # only smoke-test an existing dist/mpscope/
#
# Needs python3 (3.11+) with venv, and PyPI (PySide6-Essentials, pyqtgraph, numpy, psutil,
# pyinstaller). On Linux, Qt's offscreen platform also needs libEGL, libGL, libxkbcommon,
# libfontconfig and libdbus (see the README's troubleshooting). Exit status 0 = built and
# every smoke check passed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
WORK=build/bundle
VENV=$WORK/venv
export PIP_DISABLE_PIP_VERSION_CHECK=1

if [ "${1:-}" != "--smoke" ]; then
    started=$(date +%s)
    rm -rf "$WORK" dist/mpscope
    # setuptools never removes files from its build/lib, so a module deleted from the
    # source would still be installed: start from a clean one.
    rm -rf build/lib build/bdist.*
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q . "pyinstaller>=6.3,<7"
    rm -rf build/lib build/bdist.*
    # Run outside the checkout so the spec sees the installed mpscope (as a wheel has it),
    # not the source folders.
    spec=$PWD/packaging/mpscope.spec
    (cd "$WORK" && "$OLDPWD/$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
        --distpath "$OLDPWD/dist" --workpath "$OLDPWD/$WORK/work" "$spec")
    echo "built dist/mpscope/ in $(( $(date +%s) - started )) s;" \
         "size $(du -sh dist/mpscope | cut -f1), $(find dist/mpscope -type f | wc -l) files"
fi

"$PYTHON" packaging/smoke_bundle.py dist/mpscope/mpscope
