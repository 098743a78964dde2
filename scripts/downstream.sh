#!/usr/bin/env bash
# Builds and runs examples/downstream as a user's project: copied out of this repository,
# depending on calcom by (absolute) path, with its own document as `openapi.json` beside its
# Cargo.toml and the `[env] ... relative = true` setting of its .cargo/config.toml.
#
#   scripts/downstream.sh [document] [CALCOM_TAGS value]
#
# The document defaults to ../shared/calcom-openapi/2025-09-26_6c9ac763.json. First it checks
# that a relative CALCOM_OPENAPI_SPEC in the environment (the mistake the config fixes) fails
# with the message that says where it was looked for and what to write instead.
# CARGO_TARGET_DIR, when set, is used for the builds (CI keeps one between configurations).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
doc=${1:-$repo/../shared/calcom-openapi/2025-09-26_6c9ac763.json}
tags=${2:-}
[ -f "$doc" ] || { echo "downstream.sh: no document at $doc" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=scripts/downstream-setup.sh
source "$repo/scripts/downstream-setup.sh"
downstream_setup "$work" "$doc"
cd "$work"
# What the user's own settings decide, not ours.
unset CALCOM_OPENAPI_SPEC CALCOM_TAGS CALCOM_OPERATIONS CALCOM_OPENAPI_OVERLAYS

echo "--- a relative CALCOM_OPENAPI_SPEC in the environment fails with the fix in its message"
if out=$(CALCOM_OPENAPI_SPEC=openapi.json cargo build -q 2>&1); then
  echo "downstream.sh: the build with a relative CALCOM_OPENAPI_SPEC succeeded; it reads calcom's folder" >&2
  exit 1
fi
for expected in "cannot read the file" "resolves it against the folder" \
  'CALCOM_OPENAPI_SPEC = { value = "openapi.json", relative = true }'; do
  grep -qF -- "$expected" <<<"$out" || {
    printf 'downstream.sh: the error does not say %s:\n%s\n' "$expected" "$out" >&2
    exit 1
  }
done
grep -F -m1 -- "resolves it against the folder" <<<"$out"

echo "--- .cargo/config.toml [env] relative = true${tags:+, CALCOM_TAGS=$tags}: build and run"
if [ -n "$tags" ]; then
  CALCOM_TAGS=$tags cargo run -q
else
  cargo run -q
fi
