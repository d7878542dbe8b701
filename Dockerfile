# crosslink: one image for the worker, the intake, the operator CLI and the simulator.
# Build stage: npm ci + `npm run build` (tsc to dist/ and the prebuilt workflow bundle).
# Runtime stage: dist/ and the production node_modules only; plain `node`, no TypeScript loader.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY domain ./domain
COPY common ./common
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY client ./client
COPY simulator ./simulator
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
# MALLOC_ARENA_MAX=2: glibc otherwise gives each of the worker's threads (Node, the SDK's Rust core)
# its own malloc arenas; at 200 open runs that fragmentation was ~180 MB of the worker's RSS (BENCHMARKS.md).
# NODE_OPTIONS: a 2 MiB young generation (V8's default let ~100 MB of short-lived garbage per thread
# sit in RSS) and a 384 MiB old generation, from which the Temporal SDK sizes the worker's sticky
# cache (111 runs; a run beyond it is replayed on its next task). 200 open runs: 386 MB peak RSS,
# not 720 (BENCHMARKS.md). The benchmarks start the worker with this ENV (bench/image-env).
ENV NODE_ENV=production \
    CROSSLINK_WORKFLOW_CODE=prebuilt \
    MALLOC_ARENA_MAX=2 \
    NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=384"
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin ./bin
RUN mkdir -p /config && chown node:node /config

USER node
# Default: the worker. docker-compose.yml runs the intake, the simulator and the registration from the same image.
CMD ["node", "dist/workers/main.js"]
