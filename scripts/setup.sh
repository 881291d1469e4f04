#!/usr/bin/env bash
# Installs every Debian and npm package DispatchHub needs to build, run and test.
# Idempotent and quiet when everything is already there. Run as root (or with sudo available).
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  # build
  build-essential cmake ccache pkg-config git
  # C++ libraries
  libboost1.74-dev libpq-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libsodium-dev libssl-dev
  libcurl4-openssl-dev libgmime-3.0-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  prometheus-cpp-dev libidn2-dev libcmark-dev libc-ares-dev libjemalloc-dev
  # runtime: the embedded PostgreSQL cluster
  postgresql-15 postgresql-client-15 util-linux
  # browser tests (Node.js 20 with npm is checked below: the machine's nodejs package bundles npm)
  chromium
  # test peers and tools
  postfix python3-aiosmtpd swaks jq curl wrk hyperfine openssl
  # sending domains: a DNS server for the tests and an independent DKIM verifier
  python3-dnslib python3-dkim python3-dnspython python3-nacl
  # fuzzing and sanitizers
  clang libclang-rt-14-dev
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  # postfix is wanted only for its smtp-sink/smtp-source test tools: no MTA configuration, none started.
  echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: installing Debian's nodejs and npm"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# npm packages of the web UI (and its browser tests), from the lock file.
npm_install() {
  local dir=$1
  [ -f "$dir/package.json" ] || return 0
  local stamp="$dir/node_modules/.dispatchhub-installed"
  if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ] || [ "$dir/package.json" -nt "$stamp" ]; then
    echo "setup: installing npm packages in $dir"
    if [ -f "$dir/package-lock.json" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    else
      (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    fi
    touch "$stamp"
  fi
}
npm_install web
npm_install tests/e2e
npm_install deploy/aws
