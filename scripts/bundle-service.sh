#!/usr/bin/env bash
# Usage: scripts/bundle-service.sh <service> <outdir>
#
# The one place that turns a built workspace service into a self-contained production bundle: <outdir> gets the
# service's package.json, its dist/ and a node_modules with only its production dependencies, the workspace
# packages it uses (@otel-stack/telemetry, @otel-stack/protos) copied in as real directories, not symlinks into
# the workspace. The Dockerfile RUNs this script and test/deploy/bundle.test.ts runs it too, so what the test
# starts is what the image ships. Run `pnpm build` first (the image build does).
#
# pnpm 12's `deploy` injects workspace dependencies by itself: neither `--legacy` nor
# `inject-workspace-packages=true` is needed (pnpm 10/11 required one of them).
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: $0 <service> <outdir>   (service: order-api | payment-service | load-generator)" >&2
  exit 2
fi
service="$1"
mkdir -p "$2"
out="$(cd "$2" && pwd)"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=toolchain.sh
source "$root/scripts/toolchain.sh"
toolchain_ensure
cd "$root"

if [ ! -f "services/$service/package.json" ]; then
  echo "bundle-service: no workspace service services/$service" >&2
  exit 2
fi
if [ ! -f "services/$service/dist/main.js" ]; then
  echo "bundle-service: services/$service/dist/main.js is missing: run \`pnpm build\` first" >&2
  exit 1
fi
if [ -n "$(ls -A "$out")" ]; then
  echo "bundle-service: $out is not empty" >&2
  exit 1
fi

pnpm --filter "$service" deploy --prod --prefer-offline --reporter=append-only "$out"

# pnpm leaves its own bookkeeping for the deployed project; nothing at runtime reads it.
rm -f "$out/pnpm-lock.yaml" "$out/pnpm-workspace.yaml"
