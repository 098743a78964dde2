#!/usr/bin/env bash
# Installs the Prism mock server (@stoplight/prism-cli, pinned in scripts/prism/package-lock.json)
# into scripts/prism/node_modules, where tests/it/prism.rs looks for it. Needs Node.js >= 18.20
# and the npm registry. Prism 5.15 and later need Node.js 24, hence the pin to 5.14.2.
set -euo pipefail
cd "$(dirname "$0")/prism"
if ! command -v npm >/dev/null; then
  echo "install-prism: npm is not installed (Node.js >= 18.20 is needed)" >&2
  exit 1
fi
npm ci --no-audit --no-fund --loglevel=error
echo "install-prism: $(node_modules/.bin/prism --version) in $(pwd)/node_modules"
