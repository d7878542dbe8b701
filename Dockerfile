# crosslink: one image for the worker, the intake, the operator CLI and the simulator.
# The workflow bundle is built at image build time (npm run bundle); the worker uses it.
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    CROSSLINK_WORKFLOW_CODE=prebuilt
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY tsconfig.json ./
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY client ./client
COPY simulator ./simulator
COPY scripts ./scripts
COPY bin ./bin
RUN node --import tsx workers/build-bundle.ts \
    && mkdir -p /config \
    && chown node:node /config

USER node
# Default: the worker. docker-compose.yml runs the intake and the simulator from the same image.
CMD ["node", "--import", "tsx", "workers/main.ts"]
