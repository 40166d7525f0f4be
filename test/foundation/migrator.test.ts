import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, writeFile, readFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, ensureDatabase, MigrationError, readMigrations } from '../../src/infra/migrator.js';
import { createPrisma } from '../../src/infra/prisma.js';
import { getDatamodel } from '../../src/generated/pothos-types.js';
import { createDatabase, dropDatabase, uniqueName } from '../support/databases.js';

const created: string[] = [];
async function freshDatabase(): Promise<string> {
  const name = uniqueName('lb_mig');
  created.push(name);
  return createDatabase(name);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await Promise.all(created.map(dropDatabase));
});

describe('migration applier', () => {
  let url: string;
  beforeAll(async () => {
    url = await freshDatabase();
  });

  it('applies every migration to an empty database, in order', async () => {
    const migrations = await readMigrations();
    const result = await applyMigrations(url);
    expect(result.applied).toEqual(migrations.map((migration) => migration.name));
    expect(result.alreadyApplied).toEqual([]);
  });

  it('records each migration in _prisma_migrations the way Prisma Migrate does', async () => {
    const rows = await query<{ id: string; checksum: string; migration_name: string; finished_at: Date | null; rolled_back_at: Date | null; applied_steps_count: number; logs: string | null }>(
      url,
      'SELECT * FROM "_prisma_migrations" ORDER BY migration_name',
    );
    const migrations = await readMigrations();
    expect(rows.map((row) => row.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const row of rows) {
      const sql = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    const columns = await query<{ column_name: string; data_type: string; is_nullable: string }>(
      url,
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns.map((c) => `${c.column_name}:${c.data_type}:${c.is_nullable}`)).toEqual([
      'id:character varying:NO',
      'checksum:character varying:NO',
      'finished_at:timestamp with time zone:YES',
      'migration_name:character varying:NO',
      'logs:text:YES',
      'rolled_back_at:timestamp with time zone:YES',
      'started_at:timestamp with time zone:NO',
      'applied_steps_count:integer:NO',
    ]);
  });

  it('changes nothing when run again', async () => {
    const before = await query(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
    const result = await applyMigrations(url);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toHaveLength(before.length);
    expect(await query(url, 'SELECT * FROM "_prisma_migrations" ORDER BY migration_name')).toEqual(before);
  });

  it('lets concurrent appliers apply each migration once', async () => {
    const other = await freshDatabase();
    const results = await Promise.all([applyMigrations(other), applyMigrations(other), applyMigrations(other)]);
    const total = results.reduce((sum, result) => sum + result.applied.length, 0);
    expect(total).toBe((await readMigrations()).length);
    const rows = await query<{ count: string }>(other, 'SELECT count(*) FROM "_prisma_migrations"');
    expect(Number(rows[0]!.count)).toBe(total);
  });

  it('refuses a migration that was edited after it was applied', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lb-migrations-'));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const [first] = await readMigrations(dir);
    await writeFile(path.join(dir, first!.name, 'migration.sql'), `${first!.sql}\n-- edited\n`);
    await expect(applyMigrations(url, { dir })).rejects.toThrow(/changed after it was applied/);
  });

  it('rolls a failing migration back completely and does not record it', async () => {
    const target = await freshDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lb-migrations-'));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await mkdir(path.join(dir, '99990101000000_broken'));
    await writeFile(path.join(dir, '99990101000000_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;');
    await expect(applyMigrations(target, { dir })).rejects.toBeInstanceOf(MigrationError);
    const tables = await query(target, `SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(tables).toEqual([]);
    const names = await query<{ migration_name: string }>(target, 'SELECT migration_name FROM "_prisma_migrations"');
    expect(names.map((row) => row.migration_name)).not.toContain('99990101000000_broken');
  });
});

describe('the migrated database matches schema.prisma', () => {
  it('has a table for every model and a column for every field, with the same nullability', async () => {
    const url = await freshDatabase();
    await applyMigrations(url);
    const db = createPrisma({ url, poolSize: 1 });
    // The client's own runtime model knows the database names (@map/@@map);
    // the generated Pothos datamodel knows which fields are required.
    const runtime = (db as unknown as { _runtimeDataModel: { models: Record<string, { dbName: string | null; fields: Array<{ name: string; kind: string; dbName?: string }> }> } })._runtimeDataModel;
    const { models } = getDatamodel().datamodel;
    const columns = await query<{ table_name: string; column_name: string; is_nullable: string }>(
      url,
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    const actual = new Map(columns.map((c) => [`${c.table_name}.${c.column_name}`, c.is_nullable === 'YES']));

    const expected: string[] = [];
    for (const [modelName, model] of Object.entries(models)) {
      const runtimeModel = runtime.models[modelName]!;
      const table = runtimeModel.dbName ?? modelName;
      for (const field of model.fields) {
        if (field.kind === 'object') continue;
        const column = runtimeModel.fields.find((f) => f.name === field.name)?.dbName ?? field.name;
        expected.push(`${table}.${column}:${field.isRequired ? 'NOT NULL' : 'NULL'}`);
      }
    }
    const found = expected.map((entry) => {
      const [key] = entry.split(':');
      const nullable = actual.get(key!);
      return nullable === undefined ? `${key}:MISSING` : `${key}:${nullable ? 'NULL' : 'NOT NULL'}`;
    });
    expect(found).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
    await db.$disconnect();
  });
});

describe('ensureDatabase', () => {
  it('creates a missing database once, and leaves an existing one alone', async () => {
    const name = uniqueName('lb_new');
    created.push(name);
    const url = new URL(await freshDatabase());
    url.pathname = `/${name}`;
    expect(await ensureDatabase(url.toString())).toBe(true);
    expect(await ensureDatabase(url.toString())).toBe(false);
    expect(await query(url.toString(), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });
});
