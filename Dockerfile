# Caseworks api / worker / migrate image. Same image, three commands (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# jemalloc for the worker (scripts/worker-allocator.sh): under glibc's malloc its RSS grows with the
# cases it has opened by freed memory glibc keeps (README, "Worker memory").
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY policies ./policies
COPY scripts/worker-allocator.sh ./scripts/worker-allocator.sh
USER node
EXPOSE 3000
CMD ["node", "dist/src/api/main.js"]
