#!/usr/bin/env bash
# Debian's Chromium for the browser tests (test/browser/, driven through playwright-core, which
# downloads no browser here). Idempotent: nothing to do when /usr/bin/chromium exists.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
bash "$(dirname "$0")/apt-install.sh" chromium /usr/bin/chromium
/usr/bin/chromium --version
