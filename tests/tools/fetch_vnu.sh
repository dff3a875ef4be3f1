#!/usr/bin/env bash
# Install the Nu HTML Checker (vnu.jar, from the npm package vnu-jar) into a cache outside the repo
# and print the jar's path. Used by tests/test_standards.py; safe to run again (npm keeps it).
#   SITREP_VNU_CACHE  cache folder (default: ~/.cache/sitrep-vnu)
#   SITREP_VNU_VERSION  vnu-jar version (default: 26.9.27)
set -euo pipefail
cache="${SITREP_VNU_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sitrep-vnu}"
version="${SITREP_VNU_VERSION:-26.9.27}"
jar="$cache/node_modules/vnu-jar/build/dist/vnu.jar"
if [ ! -s "$jar" ] || ! grep -Eq "\"version\": ?\"$version\"" "$cache/node_modules/vnu-jar/package.json" 2>/dev/null; then
  command -v npm >/dev/null 2>&1 || { echo "npm is not installed" >&2; exit 3; }
  mkdir -p "$cache"
  # The jar ships inside the package; its postinstall script is not needed.
  npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$cache" "vnu-jar@$version" >&2
fi
[ -s "$jar" ] || { echo "vnu.jar missing after npm install ($jar)" >&2; exit 4; }
echo "$jar"
