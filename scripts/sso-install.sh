#!/usr/bin/env bash
# Installs what the SSO browser test needs: Debian's Chromium and openssl, and the test's npm
# packages (oidc-provider, playwright-core) in sso/. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
npm ci --prefix sso --no-audit --no-fund
