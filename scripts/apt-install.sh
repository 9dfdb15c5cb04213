#!/usr/bin/env bash
# Installs one of Debian's packages for `make install` (Chromium, jemalloc), as root, quietly.
# Usage: scripts/apt-install.sh <package> <what is missing, for the message when not root>
set -euo pipefail
package="$1" missing="$2"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-$package: $missing is missing; run as root (or: sudo apt-get install -y $package)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "$package" >/dev/null
