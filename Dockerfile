# deploybot: a small production image that runs as the non-root `node` user, on Node.js 24 LTS.
#
#   docker build -t deploybot .
#   docker run --init --stop-timeout 30 -p 3000:3000 --env-file .env deploybot
#
# The bot handles SIGTERM and SIGINT from its first moment, so a stop works without --init too (as
# PID 1); --init still reaps zombies. A stop finishes requests in flight (5 s) and Slack work (10 s)
# and exits within 25 s: `docker stop` waits only 10 s by default, hence --stop-timeout 30 (compose:
# `stop_grace_period: 30s`). `npm run image:check` builds and checks this file without Docker.
# Without DATABASE_URL the bot keeps an embedded PGlite database in /app/.data: mount a volume there
# (-v deploybot-data:/app/.data) or it is lost with the container. Runbooks are baked into the
# image from runbooks/; mount your own over /app/runbooks (or set RUNBOOKS_DIR) to use others.

ARG NODE_IMAGE=node:24-slim

# ---- build: compile TypeScript to dist/ -------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# Dependencies first, in their own layer, so that a source change does not reinstall them.
# --ignore-scripts: the package's `prepare` script runs the build, and the sources are not here
# yet; the build runs explicitly below, once they are.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# ---- production: runtime dependencies and the compiled code only ------------------------------
FROM ${NODE_IMAGE} AS production
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app

# Runtime dependencies only. --ignore-scripts: `prepare` would try to build with dev tools that
# are not installed, and no runtime dependency needs an install script.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# The code and the files it reads stay owned by root, so the bot cannot rewrite itself; only the
# embedded database's folder belongs to `node`.
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY drizzle ./drizzle
COPY runbooks ./runbooks
RUN mkdir -p /app/.data && chown node:node /app/.data

USER node
EXPOSE 3000

# node:24-slim has no curl: ask /healthz with Node's own fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist/src/main.js"]
