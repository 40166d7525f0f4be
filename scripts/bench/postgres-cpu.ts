import type pg from 'pg';
import { processCpuMicros } from './processes.js';

/** CPU (µs) of each backend now serving the database `client` is connected to, by pid; a backend gone meanwhile reads as absent. */
async function backendsCpu(client: pg.Client): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      cpu.set(pid, await processCpuMicros(pid));
    } catch {
      // The backend ended between the query and the read.
    }
  }
  return cpu;
}

/**
 * PostgreSQL CPU spent for one database from now on: the backends serving it
 * (PostgreSQL runs on this machine), read again at `used()`. Backends that
 * connect later count from 0; one that disconnects before `used()` is missed,
 * so this is a floor. Other databases (other benches, tests) are not counted.
 */
export async function postgresCpu(client: pg.Client): Promise<{ used(): Promise<number> }> {
  const before = await backendsCpu(client);
  return {
    async used() {
      let total = 0;
      for (const [pid, micros] of await backendsCpu(client)) total += micros - (before.get(pid) ?? 0);
      return total;
    },
  };
}
