import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createDeps } from '../src/deps.js';
import { createLogger } from '../src/infra/logger.js';
import { handleSchema, passwordSchema } from '../src/modules/users/users.service.js';
import { createOrPromoteAdmin } from '../src/modules/users/users.service.js';

const USAGE = 'usage: npm run user:create -- --admin <handle> [--password <password>] [--name <display name>]';

/** Creates an admin, or promotes an existing user to admin. */
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
const deps = await createDeps(config, createLogger('warn'));
try {
  const { user, created } = await createOrPromoteAdmin(deps, {
    handle: handle.data,
    password: password?.data,
    displayName: values.name,
  });
  process.stdout.write(`${created ? 'created' : 'promoted'} admin "${user.handle}" (id ${user.id})\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await deps.close();
}
