#!/usr/bin/env bash
# Fails CI when the vendored OpenAPI document changed in a breaking way in the last commit,
# unless the newest CHANGELOG.md entry (its first `## ` section) mentions "breaking".
#
# Compares `git show HEAD~1:openapi/openapi.json` with the working copy.
# DRIFT_CMD overrides the checker command (default: cargo run --locked -q -p calcom-codegen -- drift),
# e.g. DRIFT_CMD=target/debug/examples/drift to test this script without the codegen binary.
set -euo pipefail

SPEC=openapi/openapi.json
CHANGELOG=CHANGELOG.md
DRIFT_CMD=${DRIFT_CMD:-cargo run --locked -q -p calcom-codegen -- drift}

cd "$(git rev-parse --show-toplevel)"

if ! git rev-parse --verify --quiet HEAD~1 >/dev/null; then
  echo "drift-ci: skipped: there is no previous commit to compare with"
  exit 0
fi
if ! git cat-file -e "HEAD~1:$SPEC" 2>/dev/null; then
  echo "drift-ci: skipped: $SPEC did not exist in the previous commit"
  exit 0
fi
if [ ! -f "$SPEC" ]; then
  echo "drift-ci: $SPEC is missing from the working copy" >&2
  exit 1
fi

previous=$(mktemp "${TMPDIR:-/tmp}/drift-previous.XXXXXX.json")
trap 'rm -f "$previous"' EXIT
git show "HEAD~1:$SPEC" >"$previous"

set +e
# shellcheck disable=SC2086 # DRIFT_CMD is a command line on purpose.
$DRIFT_CMD "$previous" "$SPEC" --fail-on breaking
status=$?
set -e

case $status in
  0)
    echo "drift-ci: no breaking change in $SPEC"
    exit 0
    ;;
  1) ;;
  *)
    echo "drift-ci: the drift checker could not compare the documents (exit $status)" >&2
    exit "$status"
    ;;
esac

# The newest entry: from the first `## ` heading up to (not including) the second.
newest_entry=""
if [ -f "$CHANGELOG" ]; then
  newest_entry=$(awk '/^## /{n++} n==1' "$CHANGELOG")
fi
if printf '%s\n' "$newest_entry" | grep -qi 'breaking'; then
  heading=$(printf '%s\n' "$newest_entry" | head -n 1)
  echo "drift-ci: breaking changes in $SPEC are acknowledged by the newest $CHANGELOG entry ($heading)"
  exit 0
fi
if [ -z "$newest_entry" ]; then
  echo "drift-ci: FAIL: $SPEC has breaking changes (listed above) and $CHANGELOG has no '## ' entry to acknowledge them" >&2
else
  echo "drift-ci: FAIL: $SPEC has breaking changes (listed above) but the newest $CHANGELOG entry does not mention \"breaking\"" >&2
fi
echo "drift-ci: describe the breaking changes in a new $CHANGELOG entry that says \"breaking\", or revert them" >&2
exit 1
