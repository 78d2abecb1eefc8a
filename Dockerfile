# Driftline: one image for the web and worker processes (see docs/deploy.md).
#   docker build -t driftline .
#   docker run -e DATABASE_URL=… -e DATABASE_MIGRATION_URL=… -e NEXTAUTH_SECRET=… -p 3000:3000 driftline
#   docker run -e DATABASE_URL=… -e DATABASE_MIGRATION_URL=… driftline node --import tsx scripts/worker.ts

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npx next build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 DRIFTLINE_DATA_DIR=/var/lib/driftline
WORKDIR /app
RUN groupadd --system driftline && useradd --system --gid driftline --home-dir /app driftline \
 && mkdir -p /var/lib/driftline && chown driftline:driftline /var/lib/driftline
# The worker runs TypeScript through tsx, so the installed dependencies come along whole.
COPY --from=build --chown=root:root /app /app
USER driftline
EXPOSE 3000
CMD ["sh", "-c", "exec node node_modules/next/dist/bin/next start -p \"$PORT\""]
