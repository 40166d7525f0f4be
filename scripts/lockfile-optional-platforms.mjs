// The npm registry mirror these machines use lacks some platform builds of
// optional native packages (e.g. msgpackr-extract for macOS), so `npm install`
// leaves them out of package-lock.json and `npm ci` then refuses the lock as
// out of sync. This adds the missing entries (skipped on other platforms, never
// downloaded here). Run it after `npm install` changes the lock:
//   node scripts/lockfile-optional-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${path}/node_modules/${name}`]) continue;
    const platform = /-(darwin|linux|win32|freebsd|android)-(arm64|x64|arm|ia32)(-|$)/.exec(name);
    if (!platform) continue;
    lock.packages[key] = { version, cpu: [platform[2]], license: 'MIT', optional: true, os: [platform[1]] };
    added += 1;
  }
}
const [root, ...rest] = Object.keys(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort()].map((key) => [key, lock.packages[key]]));
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} missing optional platform entries`);
