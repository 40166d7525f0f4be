import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createPrisma } from '../src/infra/prisma.js';
import { createOrPromoteAdmin, handleSchema, passwordSchema } from '../src/modules/users/index.js';

const USAGE = 'usage: npm run user:create -- --admin <handle> [--password <password>] [--name <display name>]';

/** Creates an admin, or promotes an existing user to admin. Needs only PostgreSQL. */
const { values } = parseArgs({
  options: { admin: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
});
if (!values.admin) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(64);
}
const handle = handleSchema.safeParse(values.admin);
const password = values.password === undefined ? undefined : passwordSchema.safeParse(values.password);
if (!handle.success || (password && !password.success)) {
  process.stderr.write(`${[...(handle.error?.issues ?? []), ...(password?.error?.issues ?? [])].map((i) => i.message).join('\n')}\n`);
  process.exit(64);
}
const config = loadConfig();
const db = createPrisma({ url: config.database.url, poolSize: 1 });
try {
  const { user, created } = await createOrPromoteAdmin({ db }, {
    handle: handle.data,
    password: password?.data,
    displayName: values.name,
  });
  process.stdout.write(`${created ? 'created' : 'promoted'} admin "${user.handle}" (id ${user.id})\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
}
