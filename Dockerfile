# liveboard: API and workers in one image; the command picks the role.
#
# Node 24 (LTS, supported until April 2028): the runtime dependencies declare
# Node >= 22.15 (graphql-yoga's @whatwg-node packages) and Prisma 7 accepts
# ^22.12 || >= 24. See docs/operations.md ("Node.js versions").
ARG NODE_IMAGE=node:24-bookworm-slim

# 1. Everything, devDependencies included: `npm ci` runs `prisma generate`
#    (postinstall, Prisma CLI is a devDependency) into src/generated, then tsc
#    compiles src/, the generated client, the seed and the ops scripts to dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts tsconfig.json tsconfig.build.json ./
COPY prisma ./prisma
COPY scripts/no-schema-engine.sh scripts/build-web.mjs ./scripts/
# postinstall also bundles the live page (web/) with esbuild.
COPY web ./web
RUN npm ci
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# 2. Production dependencies only. `--omit=optional` as well, because npm
#    keeps a devDependency that is also an optional peer of a runtime package
#    (the Prisma CLI and TypeScript, 250 MB with theirs) unless both are
#    omitted; the only optional runtime packages are msgpackr's native
#    decoder (msgpackr falls back to JavaScript) and pg-cloudflare. Install
#    scripts are skipped: the only one needed is our postinstall (`prisma
#    generate`, done in stage 1); the Prisma client uses no native engine.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npm cache clean --force

# 3. The runtime: compiled JavaScript, production node_modules, no compiler,
#    no tests. Files stay owned by root, so the app (user `node`) cannot change them.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
# PORT: the API (GraphQL, health, metrics); WORKER_HTTP_PORT: a worker-only process's health and metrics.
EXPOSE 4000 4001
# Probes the role's own port: PORT for the API, WORKER_HTTP_PORT for a `--worker` process.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/scripts/healthcheck.js"]
# Node itself gets SIGTERM (no npm or tsx in between) and shuts down gracefully.
# Run with an init process (`docker run --init`, compose `init: true`) so
# signals are forwarded and zombies reaped. Applies pending migrations, then
# runs API and workers; add `--seed` to seed demo data into an empty database.
CMD ["node", "dist/main.js", "--migrate"]
