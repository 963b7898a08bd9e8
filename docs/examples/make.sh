#!/usr/bin/env bash
# Rebuilds the example exports in this folder from the demo workspace:
#   bash docs/examples/make.sh
# Needs chromium, libreoffice-writer, poppler-utils and imagemagick (for the
# pictures only).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
cargo build -q
bin="$PWD/target/debug/oplaeg"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" demo "$work/demo" --no-tui >/dev/null
ex() { "$bin" --repo "$work/demo" export "$@" --force; }

ex notat -o "$here/hoeringsnotat.html"
ex notat -o "$here/hoeringsnotat.md"
ex notat -o "$here/hoeringsnotat.docx"
ex oplaeg -o "$here/oplaeg.html"
ex oplaeg -o "$here/oplaeg.md"
ex oplaeg -o "$here/oplaeg.docx"
ex oplaeg --changes-since meeting/3 -o "$here/oplaeg-aendringer-siden-moede-3.html"
ex oplaeg --changes-since meeting/3 -o "$here/oplaeg-aendringer-siden-moede-3.docx"

# Pictures: the høringsnotat's HTML as Chromium prints it, and the Word
# file with tracked changes as LibreOffice lays it out.
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir="$work/chromium" \
  --no-pdf-header-footer --print-to-pdf="$work/notat.pdf" \
  "file://$here/hoeringsnotat.html" 2>/dev/null
pdftoppm -r 60 -png "$work/notat.pdf" "$work/notat"
montage "$work"/notat-0{1,3,6}.png -tile 3x1 -geometry +6+6 -background '#9aa3ad' \
  "$here/hoeringsnotat-html.png"
libreoffice -env:UserInstallation="file://$work/lo" --headless --convert-to pdf \
  --outdir "$work" "$here/oplaeg-aendringer-siden-moede-3.docx" >/dev/null 2>&1
pdftoppm -r 60 -png "$work/oplaeg-aendringer-siden-moede-3.pdf" "$work/oplaeg"
montage "$work"/oplaeg-0{1,6,7}.png -tile 3x1 -geometry +6+6 -background '#9aa3ad' \
  "$here/oplaeg-aendringer-docx.png"
ls -la "$here"
