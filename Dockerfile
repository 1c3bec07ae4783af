# syntax=docker/dockerfile:1
#
# One Dockerfile for every Node.js service of the workspace; the service is a build argument:
#
#   docker build --build-arg SERVICE=order-api       -t order-api:0.1.0 .
#   docker build --build-arg SERVICE=payment-service -t payment-service:0.1.0 .
#   docker build --build-arg SERVICE=load-generator  --target load-generator -t load-generator:0.1.0 .
#   docker build --build-arg SERVICE=control-plane   --target control-plane -t control-plane:0.1.0 \
#     --build-context otelcol-opamp=docker-image://otelcol-otel-stack-opamp:0.149.0 .
#
# Why one file and not one per service: the services are built, bundled and started the same way, and two copies
# of this file would drift (the pnpm pin, the base image, the hardening). The build context is always the
# repository root (the pnpm workspace), and the dependency layers are shared between the services' builds.
#
# Stages: `build` installs the workspace from the lockfile, builds the service and its workspace dependencies and
# bundles it with scripts/bundle-service.sh (`pnpm deploy --prod`, the same script test/deploy/bundle.test.ts
# runs); `runtime` is the same Node.js image with npm/yarn/corepack removed, the bundle owned by root (read-only
# for the app user) and a numeric non-root user (Kubernetes can verify runAsNonRoot only with a numeric UID).

# Exact Node.js version, same in both stages (no native addons today, but the bundle is built for this ABI).
# docker-compose.yml passes NODE_IMAGE from .env; test/deploy checks that this default equals .env's value.
ARG NODE_IMAGE=node:24.21.0-bookworm-slim

FROM ${NODE_IMAGE} AS build
# The version in package.json's "packageManager" (test/deploy checks they agree).
ARG PNPM_VERSION=12.21.0
RUN npm install -g --no-fund --no-audit --loglevel=error "pnpm@${PNPM_VERSION}"
ENV CI=true
WORKDIR /src
# Registry downloads depend on the lockfile only: this layer is reused until pnpm-lock.yaml changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
# The patches pnpm applies to dependencies (pnpm-workspace.yaml's patchedDependencies): part of the lockfile's key.
COPY patches/ patches/
RUN pnpm fetch
# Everything else the build needs (.dockerignore keeps out node_modules, dist, .git, tests, docs, manifests).
COPY . .
RUN pnpm install --offline --frozen-lockfile
ARG SERVICE
RUN test -n "${SERVICE}" || { echo 'build with --build-arg SERVICE=<order-api|payment-service|load-generator|control-plane>' >&2; exit 1; }
# The service and the workspace packages it depends on (`...`): protos (generated types), telemetry.
RUN pnpm --filter "${SERVICE}..." run build
RUN ./scripts/bundle-service.sh "${SERVICE}" /out

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
# The app needs only the node binary: no package managers in the image that runs it.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-*
ENV NODE_ENV=production
WORKDIR /app
# Owned by root, read by uid 1000: the process cannot rewrite its own code (readOnlyRootFilesystem in k8s too).
COPY --from=build /out/ /app/
# uid/gid 1000 is the image's `node` user, given by number so runAsNonRoot can be verified.
USER 1000:1000
LABEL org.opencontainers.image.title="${SERVICE}" \
      org.opencontainers.image.description="otel-stack ${SERVICE}" \
      org.opencontainers.image.licenses="Apache-2.0"

# order-api and payment-service. No EXPOSE: the port comes from the PORT env (8080 / 50051 by default) and the
# compose file and manifests publish it. node runs as PID 1 with no shell or package manager in between, so
# SIGTERM reaches the telemetry bootstrap, which drains in-flight work and flushes spans before exiting.
FROM runtime AS service
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "dist/healthcheck.js"]
ENTRYPOINT ["node", "--require", "@otel-stack/telemetry/register", "dist/main.js"]

# The load generator: a bounded run, flags after the image name (`docker run ... load-generator:0.1.0 --rate 50`).
FROM runtime AS load-generator
ENTRYPOINT ["node", "dist/main.js"]

# The control plane (docs/opamp.md). It checks every config with `validate` of the very collector binary its agents
# run, copied from the supervised collector's image (collector/opamp/Dockerfile): the build context `otelcol-opamp`,
# which docker-compose.opamp.yml passes as an additional context and a manual build as --build-context (above).
# Its desired config lives in STATE_DIR: the directory is the app user's, so a new volume mounted there is too.
FROM runtime AS control-plane
COPY --from=otelcol-opamp /usr/local/bin/otelcol-otel-stack-opamp /usr/local/bin/otelcol-otel-stack-opamp
USER 0:0
RUN mkdir -p /var/lib/control-plane && chown 1000:1000 /var/lib/control-plane
USER 1000:1000
ENV COLLECTOR_VALIDATOR=/usr/local/bin/otelcol-otel-stack-opamp STATE_DIR=/var/lib/control-plane
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["node", "dist/healthcheck.js"]
ENTRYPOINT ["node", "dist/main.js"]
