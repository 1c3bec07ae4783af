#!/usr/bin/env bash
# Builds our collector distribution, .build/otelcol/otelcol-otel-stack, from collector/builder-config.yaml with the
# OpenTelemetry Collector Builder (ocb) at the manifest's release. `pnpm collector:build`; `pnpm stack`, `pnpm demo`
# and `pnpm test` run it when the binary is missing or out of date.
#
# collector/go.sum pins the hashes of every module the distribution is built from: it is copied in before ocb runs,
# so Go refuses a module whose content differs ("SECURITY ERROR"), and a build that needs new entries (the manifest
# changed) writes them back for you to commit (in CI, where nothing may change, it fails instead).
set -euo pipefail
go_env_name=collector
# shellcheck source=go-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
go_env_require

manifest="$go_env_root/collector/builder-config.yaml"
pinned_sum="$go_env_root/collector/go.sum"
out="$go_env_build_dir/otelcol"
binary="$out/otelcol-otel-stack"
release="$(sed -n 's/^  version: *\([0-9.]*\).*/\1/p' "$manifest" | head -n 1)"
[ -n "$release" ] || { go_env_log "no dist.version in $manifest"; exit 1; }

stamp="$(go_env_stamp "$manifest" "$pinned_sum")"
if go_env_current "$binary" "$stamp"; then
  go_env_log "up to date: ${binary#"$go_env_root/"} ($release)"
  exit 0
fi

started=$SECONDS
ocb="$go_env_build_dir/bin/ocb-v$release"
if [ ! -x "$ocb" ]; then
  go_env_log "installing the collector builder (ocb) v$release"
  GOBIN="$go_env_build_dir/bin/tmp" go install "go.opentelemetry.io/collector/cmd/builder@v$release"
  mv "$go_env_build_dir/bin/tmp/builder" "$ocb"
  rmdir "$go_env_build_dir/bin/tmp"
fi

go_env_log "building otelcol-otel-stack $release (the first build downloads the modules and compiles for a few minutes; later ones take seconds)"
rm -f "$out/.stamp"
mkdir -p "$out"
cp "$pinned_sum" "$out/go.sum"
# ocb resolves output_path (../.build/otelcol) from the working directory. GOFLAGS=-e: `go mod tidy` also resolves
# the imports of the dependencies' tests, and some of those test-only modules are not served at this release (see
# the manifest); with -e tidy reports them and goes on. The distribution needs none of them: go build would fail if
# it did.
(cd "$go_env_root/collector" && GOFLAGS="${GOFLAGS:+$GOFLAGS }-e" "$ocb" --config="$manifest")

if ! cmp -s "$out/go.sum" "$pinned_sum"; then
  if [ "${CI:-}" = "true" ]; then
    go_env_log "collector/go.sum does not match the manifest's modules: run 'pnpm collector:build' and commit collector/go.sum"
    diff "$pinned_sum" "$out/go.sum" >&2 || true
    exit 1
  fi
  cp "$out/go.sum" "$pinned_sum"
  go_env_log "collector/go.sum updated for the changed manifest: commit it"
fi
go_env_stamp "$manifest" "$pinned_sum" >"$out/.stamp"
go_env_log "built ${binary#"$go_env_root/"} ($("$binary" --version)) in $((SECONDS - started)) s"
