"""Before Qt starts: does the X11 (xcb) platform plugin load here? Which packages are missing?

Qt aborts the program (exit 134, a page of its own) when its xcb plugin cannot
load its libraries; Qt's wheels bring Qt, not the system's X libraries. `ldd`
on the plugin names what is missing before QApplication can abort, and the
sentence names the Debian/Ubuntu and Fedora packages that provide it. Kept free
of Qt imports: it runs before Qt is loaded.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

# Library (soname) → (Debian/Ubuntu package, Fedora package): everything `ldd` lists
# for Qt 6's libqxcb.so that a minimal system may lack.
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libXau.so.6": ("libxau6", "libXau"),
    "libXdmcp.so.6": ("libxdmcp6", "libXdmcp"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libGLdispatch.so.0": ("libglvnd0", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
}


def xcb_plugin() -> Path | None:
    """Qt's xcb platform plugin as installed with PySide6, or None."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def missing_libraries(plugin: Path, ldd_output: str | None = None) -> list[str]:
    """The sonames `ldd` cannot find for `plugin` (none if ldd itself is unavailable)."""
    if ldd_output is None:
        ldd = shutil.which("ldd")
        if ldd is None:
            return []
        try:
            done = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=10,
                                  check=False)
        except (OSError, subprocess.SubprocessError):
            return []
        ldd_output = done.stdout
    missing = [line.split("=>")[0].strip() for line in ldd_output.splitlines()
               if "not found" in line]
    return list(dict.fromkeys(missing))


def xcb_problem(ldd_output: str | None = None) -> str | None:
    """One line saying which libraries the xcb plugin lacks and how to install them, or None."""
    plugin = xcb_plugin()
    if plugin is None:
        return None
    missing = missing_libraries(plugin, ldd_output)
    if not missing:
        return None
    debian = dict.fromkeys(PACKAGES.get(name, ("?", "?"))[0] for name in missing)
    fedora = dict.fromkeys(PACKAGES.get(name, ("?", "?"))[1] for name in missing)
    debian.pop("?", None)
    fedora.pop("?", None)
    how = ""
    if debian:
        how = (f"; install them: sudo apt-get install {' '.join(debian)} (Debian, Ubuntu) "
               f"or sudo dnf install {' '.join(fedora)} (Fedora)")
    return f"Qt's X11 platform plugin cannot load: {', '.join(missing)} missing{how}"
