import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;
export { Prisma } from '../generated/prisma/client.js';

/** The one Prisma client of a process, on node-postgres through the driver adapter (no native engine). */
export function createPrisma(options: { url: string; poolSize: number }): Db {
  const adapter = new PrismaPg({ connectionString: options.url, max: options.poolSize });
  return new PrismaClient({ adapter });
}
