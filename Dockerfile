# liveboard: API and workers in one image; the command picks the role.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/no-schema-engine.sh ./scripts/
# postinstall runs `prisma generate` into src/generated.
RUN npm ci

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/src/generated ./src/generated
COPY . .
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --retries=6 CMD node -e "fetch('http://127.0.0.1:4000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Applies pending migrations, seeds an empty database (SEED_DEMO_DATA), runs API and workers.
CMD ["npx", "tsx", "src/main.ts", "--migrate", "--seed"]
