#!/usr/bin/env bash
# Builds what the OpAMP setup runs (docs/opamp.md): the collector distribution of collector/opamp/builder-config.yaml,
# .build/otelcol-opamp/otelcol-otel-stack-opamp (with ocb, like scripts/build-collector.sh), and the OpAMP Supervisor
# from collector/opamp/supervisor/go.mod, .build/opampsupervisor/opampsupervisor. `pnpm opamp:build`; `pnpm test`
# runs it through `pnpm pipeline:build`. Both are skipped when built from the same inputs already.
#
# collector/opamp/go.sum and collector/opamp/supervisor/go.sum pin every module's hash: Go refuses a module whose
# content differs, and in CI (where nothing may change) a build that needs new entries fails.
set -euo pipefail
go_env_name=opamp
# shellcheck source=go-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
go_env_require

dir="$go_env_root/collector/opamp"
manifest="$dir/builder-config.yaml"
pinned_sum="$dir/go.sum"
release="$(sed -n 's/^  version: *\([0-9.]*\).*/\1/p' "$manifest" | head -n 1)"
[ -n "$release" ] || { go_env_log "no dist.version in $manifest"; exit 1; }

# The distribution.
out="$go_env_build_dir/otelcol-opamp"
binary="$out/otelcol-otel-stack-opamp"
stamp="$(go_env_stamp "$manifest" "$pinned_sum")"
if go_env_current "$binary" "$stamp"; then
  go_env_log "up to date: ${binary#"$go_env_root/"} ($release)"
else
  started=$SECONDS
  ocb="$go_env_build_dir/bin/ocb-v$release"
  if [ ! -x "$ocb" ]; then
    go_env_log "installing the collector builder (ocb) v$release"
    GOBIN="$go_env_build_dir/bin/tmp" go install "go.opentelemetry.io/collector/cmd/builder@v$release"
    mv "$go_env_build_dir/bin/tmp/builder" "$ocb"
    rmdir "$go_env_build_dir/bin/tmp"
  fi
  go_env_log "building otelcol-otel-stack-opamp $release (minutes the first time, seconds later)"
  rm -f "$out/.stamp"
  mkdir -p "$out"
  cp "$pinned_sum" "$out/go.sum"
  # GOFLAGS=-e: as in build-collector.sh, tidy also looks up test-only modules that are not served.
  (cd "$dir" && GOFLAGS="${GOFLAGS:+$GOFLAGS }-e" "$ocb" --config="$manifest")
  if ! cmp -s "$out/go.sum" "$pinned_sum"; then
    if [ "${CI:-}" = "true" ]; then
      go_env_log "collector/opamp/go.sum does not match the manifest's modules: run 'pnpm opamp:build' and commit it"
      exit 1
    fi
    cp "$out/go.sum" "$pinned_sum"
    go_env_log "collector/opamp/go.sum updated for the changed manifest: commit it"
  fi
  go_env_stamp "$manifest" "$pinned_sum" >"$out/.stamp"
  go_env_log "built ${binary#"$go_env_root/"} ($("$binary" --version)) in $((SECONDS - started)) s"
fi

# The supervisor: a tool of collector/opamp/supervisor/go.mod (see the comment there).
sup_dir="$dir/supervisor"
sup_out="$go_env_build_dir/opampsupervisor"
supervisor="$sup_out/opampsupervisor"
sup_stamp="$(go_env_stamp "$sup_dir/go.mod" "$sup_dir/go.sum")"
if go_env_current "$supervisor" "$sup_stamp"; then
  go_env_log "up to date: ${supervisor#"$go_env_root/"}"
  exit 0
fi
started=$SECONDS
go_env_log "building the OpAMP Supervisor $release"
rm -f "$sup_out/.stamp"
mkdir -p "$sup_out"
# -mod=readonly: go.mod and go.sum are the pins; a build that would change them fails.
(cd "$sup_dir" && go build -mod=readonly -trimpath -o "$supervisor" \
  github.com/open-telemetry/opentelemetry-collector-contrib/cmd/opampsupervisor)
printf '%s\n' "$sup_stamp" >"$sup_out/.stamp"
go_env_log "built ${supervisor#"$go_env_root/"} in $((SECONDS - started)) s"
