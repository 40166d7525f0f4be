import { writeFileSync } from 'node:fs';
import { printSchemaFile, SCHEMA_FILE } from './schema-file.js';

/** `npm run schema:print`: rewrites schema.graphql from the code. A test fails when it is stale. */
writeFileSync(SCHEMA_FILE, printSchemaFile());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
