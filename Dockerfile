# syntax=docker/dockerfile:1
# Moim: one image with the web app, signaling and the embedded media server.
#
#   docker build -t moim .
#   docker run --rm -p 3000:3000 -p 40000-40299:40000-40299/udp -e MEDIA_ANNOUNCED_IP=<host IP> moim
#   (or, on Linux: docker run --rm --network host moim)
#
# With real Kurento Media Server instead of the embedded one, see docker-compose.yml.
# scripts/docker.test.ts checks this file statically; scripts/production.smoke.ts starts the build output
# the way the last stage below does.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- all dependencies, for building -------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

# ---- build: .next/ (Next.js), dist/ (server.js, media-server.js) and the native addon --------------
FROM deps AS build
# node-gyp builds the media server's native fast path (native/) with these, against Node's own headers.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY . .
# native/build.mjs exits 0 without the addon (a laptop without a compiler still builds): the image
# must not, so the test fails the build instead of shipping the slower JS path.
RUN npm run build \
  && test -f native/build/Release/moim_native.node \
  && rm -rf .next/cache \
  && mkdir -p public

# ---- production dependencies only -----------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force

# ---- runtime --------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    MEDIA_MIN_PORT=40000 \
    MEDIA_MAX_PORT=40299
COPY --from=prod-deps --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/next.config.ts ./next.config.ts
COPY --from=build --chown=node:node /app/.next ./.next
COPY --from=build --chown=node:node /app/public ./public
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/native/build/Release/moim_native.node ./native/build/Release/moim_native.node
# Recordings (RECORDINGS_DIR: ./recordings by default, /recordings under docker-compose) belong to
# the app's user, which creates each recording's folder and manifest (and, embedded, the files):
# WORKDIR and a fresh volume would be root's. A new named volume takes this ownership when mounted.
RUN mkdir -p /app/recordings /recordings && chown node:node /app/recordings /recordings
# The official Node image's unprivileged user (uid 1000).
USER node
# Web (HTTP + Socket.IO) and the embedded media server's UDP range (one port per WebRTC endpoint:
# a full room of 16 uses 16 x 16 = 256).
EXPOSE 3000/tcp
EXPOSE 40000-40299/udp
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]
