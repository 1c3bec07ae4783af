#!/usr/bin/env bash
# `pnpm bench:masking [options]`: what the masking processor costs on its own (tools/bench/masking-cost/main.go,
# docs/performance.md "Collector: what masking costs"). Builds the tool into .build/masking-cost/ when its sources
# changed (seconds once the collector is built: the same modules, from Go's caches), then runs it from the repository
# root with the options given, e.g. `--variant=before=/tmp/old-otel-collector.yaml --rounds=21`.
set -euo pipefail
go_env_name=masking-cost
# shellcheck source=go-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
go_env_require

dir="$go_env_root/tools/bench/masking-cost"
out="$go_env_build_dir/masking-cost"
binary="$out/masking-cost"
stamp="$(go_env_stamp "$dir"/go.mod "$dir"/go.sum "$dir"/*.go)"
if ! go_env_current "$binary" "$stamp"; then
  started=$SECONDS
  rm -f "$out/.stamp"
  mkdir -p "$out"
  # -mod=readonly: go.mod and go.sum are the pins; a build that would change them fails.
  (cd "$dir" && CGO_ENABLED=0 go build -mod=readonly -trimpath -o "$binary" .)
  printf '%s\n' "$stamp" >"$out/.stamp"
  go_env_log "built ${binary#"$go_env_root/"} in $((SECONDS - started)) s"
fi
cd "$go_env_root"
exec "$binary" "$@"
