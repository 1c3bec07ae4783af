#!/usr/bin/env bash
# End-to-end check of the collector pipeline with the real images (needs a Docker engine; not runnable in CI
# machines without one). What it does, in order:
#   1. `otelcol-contrib validate` of collector/otel-collector.yaml (alone and with collector/debug.yaml) in the
#      pinned collector image;
#   2. `docker compose up --build --wait` of the top-level docker-compose.yml;
#   3. one order with PII per tenant (tenant_a, tenant_b and an unknown tenant) through order-api;
#   4. through each Jaeger's query API: the whole trace (order-api + payment-service spans) is in the right
#      tenant's Jaeger and absent from the other two; no raw card number or email anywhere in any Jaeger's
#      JSON; `user.hash` and the masked card `****4242` are present;
#   5. `docker compose down -v` on exit, whatever happened.
#
# Env: E2E_TIMEOUT_SECONDS (default 120) per wait, ORDER_API_URL (default http://localhost:8080),
#      COLLECTOR_IMAGE (default otel/opentelemetry-collector-contrib:0.152.0), E2E_KEEP_STACK=1 to skip teardown.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

COLLECTOR_IMAGE="${COLLECTOR_IMAGE:-otel/opentelemetry-collector-contrib:0.152.0}"
ORDER_API_URL="${ORDER_API_URL:-http://localhost:8080}"
TIMEOUT="${E2E_TIMEOUT_SECONDS:-120}"
# The approved test card, TEST_CARDS.approved of services/load-generator/src/fixtures.ts (written again: bash).
CARD='4242424242424242'
CARD_MASKED='****4242'
RUN_ID="$(date +%s)$$"

# Which Jaeger (by query port) must hold the trace of each tenant sent in the baggage.
declare -A PORT_OF_JAEGER=([tenant_a]=16686 [tenant_b]=16687 [default]=16688)
declare -A JAEGER_OF_TENANT=([tenant_a]=tenant_a [tenant_b]=tenant_b [tenant_zz]=default)
TENANTS_SENT=(tenant_a tenant_b tenant_zz)

log() { printf '[e2e] %s\n' "$*"; }
check() { printf '[e2e] CHECK %s\n' "$*"; }
pass() { printf '[e2e]   ok: %s\n' "$*"; }
fail() {
  printf '[e2e] FAIL: %s\n' "$*" >&2
  exit 1
}

((BASH_VERSINFO[0] >= 4)) || fail "bash >= 4 is required (associative arrays); on macOS: brew install bash"
for tool in docker curl node; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not installed (needed: docker with compose v2, curl, node)"
done
if ! docker info >/dev/null 2>&1; then
  fail "no Docker engine: 'docker info' failed. Start Docker (or point DOCKER_HOST at an engine) and re-run."
fi
docker compose version >/dev/null 2>&1 || fail "'docker compose' (Compose v2) is not available"

WORK="$(mktemp -d)"
STACK_UP=0
cleanup() {
  local rc=$?
  if [[ "$STACK_UP" == 1 && "${E2E_KEEP_STACK:-0}" != 1 ]]; then
    if [[ "$rc" != 0 ]]; then
      log "failure: last collector logs"
      docker compose logs --no-color --tail=80 otel-collector || true
    fi
    log "tearing down: docker compose down -v"
    docker compose down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT

# JSON helpers (node is available wherever the project runs).
# shellcheck disable=SC2016 # the JavaScript below is single-quoted on purpose
NODE_HELPER='
const fs = require("node:fs");
const crypto = require("node:crypto");
const [mode, file, ...args] = process.argv.slice(1);
const body = JSON.parse(fs.readFileSync(file, "utf8"));
const trace = (body.data || [])[0];
const spans = (trace && trace.spans) || [];
const tags = spans.flatMap((s) => [...(s.tags || []), ...(s.logs || []).flatMap((l) => l.fields || [])]);
switch (mode) {
  case "traceId": {
    if (!/^[0-9a-f]{32}$/.test(body.traceId || "")) { console.error("no 32-hex traceId in " + JSON.stringify(body)); process.exit(1); }
    console.log(body.traceId);
    break;
  }
  case "services": {
    const names = new Set(spans.map((s) => ((trace.processes || {})[s.processID] || {}).serviceName));
    console.log([...names].filter(Boolean).sort().join(","));
    break;
  }
  case "spans": {
    console.log(spans.length);
    break;
  }
  case "masked": {
    const [email, cardMasked] = args;
    const want = crypto.createHash("sha256").update(email.toLowerCase(), "utf8").digest("hex");
    const hashes = tags.filter((t) => t.key === "user.hash").map((t) => t.value);
    const cards = tags.filter((t) => t.key === "payment.card.number").map((t) => t.value);
    const emails = tags.filter((t) => t.key === "user.email");
    const problems = [];
    if (!hashes.includes(want)) problems.push("user.hash " + JSON.stringify(hashes) + " lacks sha256(lower(email)) " + want);
    if (cards.length === 0) problems.push("no payment.card.number tag at all");
    if (!cards.every((c) => c === cardMasked)) problems.push("payment.card.number values " + JSON.stringify(cards));
    if (emails.length > 0) problems.push("user.email still present");
    if (problems.length) { console.error(problems.join("; ")); process.exit(1); }
    console.log("user.hash=" + want.slice(0, 12) + "..., payment.card.number=" + cards.join(","));
    break;
  }
  case "emails": {
    // Any email-looking text anywhere in the JSON (raw or %40-encoded).
    const text = JSON.stringify(body);
    const found = text.match(/[A-Za-z0-9._%+-]+(@|%40)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g) || [];
    if (found.length) { console.error(found.slice(0, 5).join(" ")); process.exit(1); }
    break;
  }
  default:
    console.error("unknown mode " + mode);
    process.exit(2);
}
'
json() { node -e "$NODE_HELPER" "$@"; }

# GET url -> file; prints the HTTP status ("000" when the connection failed).
http_get() {
  local url="$1" out="$2"
  curl -sS -o "$out" -w '%{http_code}' --max-time 10 "$url" 2>/dev/null || printf '000'
}

# --- 1. validate the config with the real binary -------------------------------------------------------
check "collector config validates with $COLLECTOR_IMAGE"
docker run --rm -v "$ROOT/collector:/cfg:ro" "$COLLECTOR_IMAGE" validate --config=/cfg/otel-collector.yaml ||
  fail "otelcol-contrib validate rejected collector/otel-collector.yaml"
pass "collector/otel-collector.yaml"
docker run --rm -v "$ROOT/collector:/cfg:ro" "$COLLECTOR_IMAGE" validate \
  --config=/cfg/otel-collector.yaml --config=/cfg/debug.yaml ||
  fail "otelcol-contrib validate rejected otel-collector.yaml + debug.yaml"
pass "collector/otel-collector.yaml + collector/debug.yaml"

# --- 2. the stack ----------------------------------------------------------------------------------------
if [[ ! -f "$ROOT/docker-compose.yml" ]]; then
  fail "docker-compose.yml does not exist yet at $ROOT (it is written by another issue); nothing to bring up"
fi
log "docker compose up --build --wait (timeout ${TIMEOUT}s per service health)"
STACK_UP=1
docker compose up --build --detach --wait --wait-timeout "$((TIMEOUT * 3))" || fail "the stack did not become healthy"

# --- 3. one order with PII per tenant --------------------------------------------------------------------
declare -A TRACE_OF EMAIL_OF
for tenant in "${TENANTS_SENT[@]}"; do
  email="E2E.${tenant}.${RUN_ID}@Example.com"
  EMAIL_OF[$tenant]="$email"
  body="{\"customer\":{\"id\":\"c-e2e\",\"email\":\"${email}\"},\"items\":[{\"sku\":\"BOOK-1\",\"quantity\":2,\"unitPriceCents\":1250}],\"payment\":{\"cardNumber\":\"${CARD}\",\"currency\":\"USD\"}}"
  check "POST /orders with baggage tenant_id=${tenant} answers 201 with a traceId"
  deadline=$((SECONDS + TIMEOUT))
  while :; do
    code="$(curl -sS -o "$WORK/order-$tenant.json" -w '%{http_code}' --max-time 10 -X POST "$ORDER_API_URL/orders" \
      -H 'content-type: application/json' -H "baggage: tenant_id=${tenant}" --data "$body" 2>/dev/null || printf '000')"
    if [[ "$code" == 201 ]]; then break; fi
    ((SECONDS < deadline)) || fail "POST /orders for ${tenant} answered ${code}: $(cat "$WORK/order-$tenant.json" 2>/dev/null)"
    sleep 2
  done
  TRACE_OF[$tenant]="$(json traceId "$WORK/order-$tenant.json")" || fail "no traceId in the response for ${tenant}"
  pass "${tenant}: traceId ${TRACE_OF[$tenant]}"
done

# --- 4. where each trace landed --------------------------------------------------------------------------
for tenant in "${TENANTS_SENT[@]}"; do
  trace="${TRACE_OF[$tenant]}"
  want="${JAEGER_OF_TENANT[$tenant]}"
  port="${PORT_OF_JAEGER[$want]}"
  check "trace of ${tenant} is complete (order-api + payment-service) in jaeger-${want//_/-} (:${port})"
  deadline=$((SECONDS + TIMEOUT))
  services=''
  while :; do
    code="$(http_get "http://localhost:${port}/api/traces/${trace}" "$WORK/trace-$tenant.json")"
    if [[ "$code" == 200 ]]; then
      services="$(json services "$WORK/trace-$tenant.json")"
      if [[ ",$services," == *",order-api,"* && ",$services," == *",payment-service,"* ]]; then break; fi
    fi
    ((SECONDS < deadline)) || fail "trace ${trace} not complete in jaeger-${want} after ${TIMEOUT}s (HTTP ${code}, services '${services}')"
    sleep 2
  done
  pass "services ${services}, $(json spans "$WORK/trace-$tenant.json") spans"

  check "trace of ${tenant} carries user.hash and the masked card, no user.email"
  json masked "$WORK/trace-$tenant.json" "${EMAIL_OF[$tenant]}" "$CARD_MASKED" || fail "masking result wrong for ${tenant}"
done

sleep 3 # let any wrongly routed span reach the other backends before asserting absence
for tenant in "${TENANTS_SENT[@]}"; do
  trace="${TRACE_OF[$tenant]}"
  for other in "${!PORT_OF_JAEGER[@]}"; do
    if [[ "$other" == "${JAEGER_OF_TENANT[$tenant]}" ]]; then continue; fi
    port="${PORT_OF_JAEGER[$other]}"
    check "trace of ${tenant} is absent from jaeger-${other//_/-} (:${port})"
    code="$(http_get "http://localhost:${port}/api/traces/${trace}" "$WORK/absent.json")"
    if [[ "$code" == 200 && "$(json spans "$WORK/absent.json")" != 0 ]]; then
      fail "trace ${trace} of ${tenant} leaked into jaeger-${other}"
    fi
    [[ "$code" == 200 || "$code" == 404 ]] || fail "jaeger-${other} answered HTTP ${code}"
    pass "HTTP ${code}, no spans"
  done
done

# --- 5. no raw PII anywhere in any Jaeger ----------------------------------------------------------------
for jaeger in "${!PORT_OF_JAEGER[@]}"; do
  port="${PORT_OF_JAEGER[$jaeger]}"
  check "no raw card number or email anywhere in jaeger-${jaeger//_/-} (:${port})"
  files=()
  for tenant in "${TENANTS_SENT[@]}"; do
    f="$WORK/scan-$jaeger-trace-$tenant.json"
    if [[ "$(http_get "http://localhost:${port}/api/traces/${TRACE_OF[$tenant]}" "$f")" == 200 ]]; then files+=("$f"); fi
  done
  for service in order-api payment-service; do
    f="$WORK/scan-$jaeger-$service.json"
    if [[ "$(http_get "http://localhost:${port}/api/traces?service=${service}&limit=100&lookback=1h" "$f")" == 200 ]]; then
      files+=("$f")
    fi
  done
  ((${#files[@]} > 0)) || fail "jaeger-${jaeger} returned nothing to scan"
  for f in "${files[@]}"; do
    for needle in "$CARD" '4242 4242 4242 4242' '4242-4242-4242-4242'; do
      if grep -qF -- "$needle" "$f"; then fail "raw card number '${needle}' found in jaeger-${jaeger} ($(basename "$f"))"; fi
    done
    for tenant in "${TENANTS_SENT[@]}"; do
      email="${EMAIL_OF[$tenant]}"
      for needle in "$email" "${email/@/%40}"; do
        if grep -qiF -- "$needle" "$f"; then fail "raw email '${needle}' found in jaeger-${jaeger} ($(basename "$f"))"; fi
      done
    done
    json emails "$f" || fail "email-like text found in jaeger-${jaeger} ($(basename "$f"))"
  done
  pass "${#files[@]} responses scanned"
done

log "all checks passed"
