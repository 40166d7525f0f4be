// `npm run build`: compiles TypeScript to dist/ (keeping the repository's
// layout, because src/main.ts imports prisma/seed.ts), copies the SQL
// migrations beside it, bundles the live page into dist/build/live-page, and writes dist/main.js, the entry point operators run
// (`node dist/main.js --api`), which loads dist/src/main.js in the same process.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
cpSync('prisma/migrations', 'dist/prisma/migrations', { recursive: true });
writeFileSync('dist/main.js', "import './src/main.js';\n");
// The live page's bundle, where dist/src/http/live-page.js looks for it.
execFileSync(process.execPath, ['scripts/build-web.mjs', 'dist/build/live-page'], { stdio: 'inherit' });
