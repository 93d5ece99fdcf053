import { defineConfig } from 'prisma/config';

// Prisma's env() throws when a variable is unset; the embedded mode has no DATABASE_URL until it
// starts, and `generate` needs none, so read it ourselves with a harmless fallback.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/unset' },
});
