# Sourced, not run: puts a Node.js >= 22.15 and the project's pinned pnpm first on PATH.
#
# The OpenTelemetry JS SDK line this project uses needs Node.js >= 22.15 (we target Node 24 LTS). Machines that
# ship an older Node (Node 20 is end-of-life) get the exact Node binary from the npm registry's platform package
# (node-<os>-<arch>) and pnpm from the npm registry, both installed into .toolchain/ inside the checkout.
# Nothing outside the checkout is touched.

toolchain_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
toolchain_dir="$toolchain_root/.toolchain"
toolchain_node_version="$(tr -d '[:space:]' <"$toolchain_root/.node-version")"
# "packageManager": "pnpm@X.Y.Z" in package.json is the single place the pnpm version is pinned.
toolchain_pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([0-9.]*\)".*/\1/p' "$toolchain_root/package.json")"

toolchain_log() { printf '[toolchain] %s\n' "$*" >&2; }

# True when the node on PATH is at least 22.15.
toolchain_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 15) ? 0 : 1)'
}

toolchain_node_package() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) return 1 ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) return 1 ;; esac
  printf 'node-%s-%s' "$os" "$arch"
}

toolchain_ensure() {
  local pkg node_bin
  if ! toolchain_node_ok; then
    pkg="$(toolchain_node_package)" || {
      toolchain_log "no Node.js >= 22.15 on PATH and no npm package for $(uname -s)/$(uname -m): install Node.js 24 LTS yourself"
      return 1
    }
    node_bin="$toolchain_dir/node/node_modules/$pkg/bin"
    if [ ! -x "$node_bin/node" ] || [ "$("$node_bin/node" --version)" != "v$toolchain_node_version" ]; then
      command -v npm >/dev/null 2>&1 || { toolchain_log "npm is needed once to fetch Node.js $toolchain_node_version"; return 1; }
      toolchain_log "system Node.js is $(node --version 2>/dev/null || echo missing); installing Node.js $toolchain_node_version into .toolchain/"
      npm install --prefix "$toolchain_dir/node" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
        "$pkg@$toolchain_node_version" >&2 || {
        toolchain_log "could not install $pkg@$toolchain_node_version from the npm registry (not published for this platform?)"
        toolchain_log "install Node.js 24 LTS yourself (nvm, Homebrew, nodejs.org), put it first on PATH and re-run"
        return 1
      }
    fi
    PATH="$node_bin:$PATH"
  fi
  if [ "$(pnpm --version 2>/dev/null)" != "$toolchain_pnpm_version" ]; then
    if [ ! -x "$toolchain_dir/pnpm/node_modules/.bin/pnpm" ] ||
      [ "$("$toolchain_dir/pnpm/node_modules/.bin/pnpm" --version 2>/dev/null)" != "$toolchain_pnpm_version" ]; then
      toolchain_log "installing pnpm $toolchain_pnpm_version into .toolchain/"
      npm install --prefix "$toolchain_dir/pnpm" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
        "pnpm@$toolchain_pnpm_version" >&2 || return 1
    fi
    PATH="$toolchain_dir/pnpm/node_modules/.bin:$PATH"
  fi
  export PATH
}
