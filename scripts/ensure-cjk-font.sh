#!/usr/bin/env bash
# Make sure matplotlib can draw Chinese. Order: a CJK font already on the system; Debian's
# fonts-noto-cjk when we are root with apt; else the OFL Noto Sans CJK face from PyPI into the
# venv. Never fails the build: without any font, charts still render (with boxes) and a warning
# says what to install.
set -u
PY=${1:-.venv/bin/python}

if "$PY" -m helpers.publish.fonts 2>/dev/null; then exit 0; fi
if command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; then
  # Installed after matplotlib built its font cache: re-scan.
  "$PY" -m helpers.publish.fonts --rebuild 2>/dev/null && exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "fonts: installing Debian fonts-noto-cjk (root, apt available)"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -q fonts-noto-cjk || { apt-get update -q && apt-get install -y -q fonts-noto-cjk; }; } \
    >/tmp/helpers-apt-fonts.log 2>&1 || echo "fonts: apt failed (see /tmp/helpers-apt-fonts.log)"
  "$PY" -m helpers.publish.fonts --rebuild 2>/dev/null && exit 0
fi
echo "fonts: no system CJK font; installing cvttf-NotoSansCJK-Regular (OFL Noto Sans CJK) from PyPI"
"$PY" -m pip install --quiet cvttf-NotoSansCJK-Regular && "$PY" -m helpers.publish.fonts && exit 0
echo "warning: no CJK font available; charts will show empty boxes for Chinese." >&2
echo "         install fonts-noto-cjk (apt) or run: $PY -m pip install cvttf-NotoSansCJK-Regular" >&2
exit 0
