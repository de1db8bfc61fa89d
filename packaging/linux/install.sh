#!/usr/bin/env bash
# Installs the bundle built by `make package` for the current user (no root): the app folder in
# ~/.local/opt, a command in ~/.local/bin, the desktop entry and the icon.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bundle="${1:-$here/../../build/dist/paragon-desktop}"
prefix="${PREFIX:-$HOME/.local}"
mkdir -p "$prefix/opt" "$prefix/bin" "$prefix/share/applications" "$prefix/share/icons/hicolor/scalable/apps"
rm -rf "$prefix/opt/paragon-desktop"
cp -a "$bundle" "$prefix/opt/paragon-desktop"
ln -sf "$prefix/opt/paragon-desktop/paragon-desktop" "$prefix/bin/paragon-desktop"
sed "s|^Exec=paragon-desktop|Exec=$prefix/bin/paragon-desktop|" "$here/paragon-desktop.desktop" \
  > "$prefix/share/applications/paragon-desktop.desktop"
cp "$here/paragon-desktop.svg" "$prefix/share/icons/hicolor/scalable/apps/paragon-desktop.svg"
echo "Installed in $prefix/opt/paragon-desktop; start it from the menu or with $prefix/bin/paragon-desktop"
