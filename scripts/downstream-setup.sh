# Sourced by scripts/downstream.sh and scripts/bench-compile.sh.
#
#   downstream_setup DIR DOCUMENT
#
# Copies examples/downstream into DIR as a user's project would look: depending on this
# repository by absolute path, with DOCUMENT as its own `openapi.json` beside its Cargo.toml
# (read through the `[env] ... relative = true` setting of its .cargo/config.toml), and this
# repository's Cargo.lock as its starting lock file.
downstream_setup() {
  local dir=$1 doc=$2 repo
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  mkdir -p "$dir"
  cp -r "$repo/examples/downstream/." "$dir/"
  rm -rf "$dir/target" "$dir/openapi.json"
  sed -i "s|^calcom = { path = \"../..\" }|calcom = { path = \"$repo\" }|" "$dir/Cargo.toml"
  grep -q "path = \"$repo\"" "$dir/Cargo.toml" || {
    echo "downstream_setup: could not point the example at $repo" >&2
    return 1
  }
  cp "$doc" "$dir/openapi.json"
  # Start from our lock file, so the user's project resolves the versions CI tested.
  cp "$repo/Cargo.lock" "$dir/Cargo.lock"
}
