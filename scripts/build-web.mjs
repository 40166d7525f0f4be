// Bundles the live page (web/live-page) with esbuild: graphql-ws's client, the
// page's code and its stylesheet, minified, under content-hashed names, plus
// index.html pointing at them. Run by `postinstall`, `prestart`, `npm run
// build` (into dist/) and the tests' global setup; takes well under a second.
//
//   node scripts/build-web.mjs [outDir]   (default build/live-page)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const outDir = path.resolve(process.argv[2] ?? 'build/live-page');
const assetsDir = path.join(outDir, 'assets');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(assetsDir, { recursive: true });

const result = await build({
  entryPoints: { 'live-page': 'web/live-page/main.ts' },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  entryNames: '[name]-[hash]',
  outdir: assetsDir,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

/** The served URL of the output with this extension (one JS and one CSS file). */
const urlOf = (extension) => {
  const file = Object.keys(result.metafile.outputs).find((output) => output.endsWith(extension));
  if (!file) throw new Error(`esbuild wrote no ${extension} file`);
  return `/assets/${path.basename(file)}`;
};
const html = readFileSync('web/live-page/index.html', 'utf8').replace('{{script}}', urlOf('.js')).replace('{{style}}', urlOf('.css'));
writeFileSync(path.join(outDir, 'index.html'), html);
