#!/usr/bin/env bash
# Install Debian's chromium for the browser tests (report.html; the fact explorer in JupyterLab,
# driven by Playwright with executable_path, which never downloads a browser of its own) when it
# is missing and we can (root with apt). Never fails: without a browser those tests skip.
set -u
for b in chromium chromium-browser google-chrome; do
  command -v "$b" >/dev/null 2>&1 && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "browser: installing Debian chromium for the report test"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -q chromium || { apt-get update -q && apt-get install -y -q chromium; }; } \
    >/tmp/helpers-apt-chromium.log 2>&1 || echo "browser: apt failed (see /tmp/helpers-apt-chromium.log); the browser test will skip"
else
  echo "browser: no chromium and no root apt; the browser test of report.html will skip"
fi
exit 0
