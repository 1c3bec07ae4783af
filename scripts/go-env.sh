# Sourced, not run: checks for Go and sets up the environment the collector and Jaeger builds share.
#
# Both binaries are built from their Go modules (the Go module proxy is the only thing they download), into .build/
# (git-ignored). GOTOOLCHAIN=local: use the Go on PATH, never download another toolchain (the collector builder
# fails when Go tries to). Go's module and build caches make every build after the first a matter of seconds.

go_env_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
go_env_build_dir="$go_env_root/.build"
# Oldest Go that builds both: the collector release's modules need 1.25.
go_env_min_minor=25
export GOTOOLCHAIN=local

go_env_log() { printf '[%s] %s\n' "$go_env_name" "$*" >&2; }

# Exits with one line saying what is missing when there is no usable Go. GO_ENV_WITHOUT_GO, when set, is what the
# caller offers instead (e.g. the test suites that need no Go).
go_env_require() {
  local version minor instead="${GO_ENV_WITHOUT_GO:+, or $GO_ENV_WITHOUT_GO}"
  if ! command -v go >/dev/null 2>&1; then
    go_env_log "Go 1.$go_env_min_minor or newer is needed to build the collector and Jaeger and 'go' is not on PATH: install Go (e.g. 1.26)$instead"
    exit 1
  fi
  version="$(go env GOVERSION)"
  minor="$(printf '%s' "$version" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
  if [ -z "$minor" ] || [ "$minor" -lt "$go_env_min_minor" ]; then
    go_env_log "Go 1.$go_env_min_minor or newer is needed to build the collector and Jaeger and this machine has $version: install a newer Go$instead"
    exit 1
  fi
}

# A hash of the inputs of a build (files, plus the Go version): a binary built from the same inputs is current.
go_env_stamp() {
  { go env GOVERSION; cat "$@"; } | sha256sum | cut -d' ' -f1
}

# True when BINARY exists and was built from inputs with hash STAMP (recorded in .stamp beside it).
go_env_current() {
  [ -x "$1" ] && [ "$(cat "$(dirname "$1")/.stamp" 2>/dev/null)" = "$2" ]
}
