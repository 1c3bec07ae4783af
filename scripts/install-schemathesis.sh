#!/usr/bin/env bash
# Installs schemathesis (the property-based API tester the integration suite runs against order-api's OpenAPI
# document) into .toolchain/schemathesis, a Python virtual environment inside the checkout, from the pinned
# tools/schemathesis/requirements.txt. A no-op when that environment is current.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$root/tools/schemathesis/requirements.txt"
venv="$root/.toolchain/schemathesis"
say() { printf '[schemathesis] %s\n' "$*" >&2; }

if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import sys, venv; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  say "Python 3.10 or newer with venv is needed for the API contract test (schemathesis); install python3 and python3-venv"
  exit 1
fi
stamp="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [ -x "$venv/bin/st" ] && [ "$(cat "$venv/.stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
say "installing schemathesis from tools/schemathesis/requirements.txt into .toolchain/schemathesis"
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --requirement "$requirements"
echo "$stamp" >"$venv/.stamp"
say "installed $("$venv/bin/st" --version)"
