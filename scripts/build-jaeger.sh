#!/usr/bin/env bash
# Builds Jaeger v2, .build/jaeger/jaeger, from its Go module through the small tools module in tools/jaeger/ (its
# go.mod pins the release, its go.sum the hashes). `pnpm jaeger:build`; `pnpm stack`, `pnpm demo` and `pnpm test`
# run it when the binary is missing or out of date.
#
# Jaeger's v2 releases are published on the Go module as v1.x tags (v1.76.0 is Jaeger 2.13.0). Its go.mod carries a
# `replace` that `go install module@version` would refuse, hence the tools module, which repeats that replace.
# A module build has no UI (the UI is a git submodule that the module zip lacks: Jaeger serves a placeholder page);
# the query API works. The compose and Kubernetes stacks run the jaegertracing/jaeger image of the same release.
set -euo pipefail
go_env_name=jaeger
# shellcheck source=go-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-env.sh"
go_env_require

module_dir="$go_env_root/tools/jaeger"
out="$go_env_build_dir/jaeger"
binary="$out/jaeger"
module_version="$(sed -n 's#^\tgithub.com/jaegertracing/jaeger \(v[0-9.]*\).*#\1#p' "$module_dir/go.mod")"
# The release the module version is (the image tag in .env; distribution.test.ts checks the pairing).
release="$(sed -n 's#^JAEGER_IMAGE=jaegertracing/jaeger:##p' "$go_env_root/.env")"
[ -n "$module_version" ] && [ -n "$release" ] || { go_env_log "cannot read the Jaeger version from tools/jaeger/go.mod and .env"; exit 1; }

stamp="$(go_env_stamp "$module_dir/go.mod" "$module_dir/go.sum")"
if go_env_current "$binary" "$stamp"; then
  go_env_log "up to date: ${binary#"$go_env_root/"} ($release)"
  exit 0
fi

started=$SECONDS
go_env_log "building Jaeger $release (module $module_version; the first build downloads the modules and compiles for several minutes; later ones take seconds)"
rm -f "$out/.stamp"
mkdir -p "$out"
# -mod=readonly (the default): a go.sum that lacks an entry fails the build instead of changing it.
(cd "$module_dir" && go build -trimpath \
  -ldflags "-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=v$release" \
  -o "$binary" github.com/jaegertracing/jaeger/cmd/jaeger)
go_env_stamp "$module_dir/go.mod" "$module_dir/go.sum" >"$out/.stamp"
go_env_log "built ${binary#"$go_env_root/"} (Jaeger $release) in $((SECONDS - started)) s"
