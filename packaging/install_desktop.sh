#!/usr/bin/env bash
# Add mpscope to the desktop's application menu: the .desktop entry, the AppStream
# metainfo and the icon, under PREFIX (default ~/.local; use /usr/local as root).
#
#   packaging/install_desktop.sh                 # menu entry for the `mpscope` on your PATH
#   packaging/install_desktop.sh dist/mpscope    # …and link PREFIX/bin/mpscope to that bundle
#
# Undo: remove the four files it prints.
set -euo pipefail
bundle=${1:+$(cd "$1" && pwd)}
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-$HOME/.local}
ID=io.github.mpscope.mpscope
install -Dm644 "packaging/$ID.desktop" "$PREFIX/share/applications/$ID.desktop"
install -Dm644 "packaging/$ID.metainfo.xml" "$PREFIX/share/metainfo/$ID.metainfo.xml"
install -Dm644 resources/icons/mpscope.svg "$PREFIX/share/icons/hicolor/scalable/apps/$ID.svg"
printf '%s\n' "$PREFIX/share/applications/$ID.desktop" "$PREFIX/share/metainfo/$ID.metainfo.xml" \
    "$PREFIX/share/icons/hicolor/scalable/apps/$ID.svg"
if [ -n "$bundle" ]; then
    [ -x "$bundle/mpscope" ] || { echo "no executable $bundle/mpscope" >&2; exit 2; }
    mkdir -p "$PREFIX/bin"
    ln -sfn "$bundle/mpscope" "$PREFIX/bin/mpscope"
    echo "$PREFIX/bin/mpscope"
fi
# Refresh the menu and icon caches where the tools exist (harmless when they do not).
command -v update-desktop-database >/dev/null && update-desktop-database -q "$PREFIX/share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -qtf "$PREFIX/share/icons/hicolor" 2>/dev/null || true
