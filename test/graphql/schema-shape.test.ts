import { isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';

/** The types a client caches: each must be a Node (a global id), so a normalized cache merges its copies. */
const CACHED = ['Leaderboard', 'LeaderboardEntry', 'Standing', 'Job', 'JobRun', 'PointsRecord', 'Season', 'User', 'Activity', 'Participation', 'Notification'];

describe('the client-facing schema', () => {
  it('makes every cached type a Node', () => {
    const node = schema.getType('Node');
    expect(isInterfaceType(node)).toBe(true);
    const nodes = schema.getPossibleTypes(node as never).map((type) => type.name).sort();
    expect(nodes).toEqual([...CACHED].sort());
  });

  it('names every connection and edge after its items, with no Pothos default names', () => {
    const names = Object.keys(schema.getTypeMap());
    const connections = names.filter((name) => name.endsWith('Connection') || name.endsWith('Edge'));
    expect(connections.filter((name) => /^(Query|Mutation|User|Activity)\w+(Connection|ConnectionEdge)$/.test(name) && !/^(Activity|User)(Connection|Edge)$/.test(name))).toEqual([]);
    for (const name of connections) {
      const type = schema.getType(name);
      expect(isObjectType(type), name).toBe(true);
      expect(type?.description, name).toBeTruthy();
    }
    expect(connections.sort()).toEqual(
      ['Activity', 'LeaderboardDefinition', 'Notification', 'OutboxDelivery', 'Participation', 'PointsRecord', 'QueuedJob', 'User']
        .flatMap((item) => [`${item}Connection`, `${item}Edge`])
        .sort(),
    );
  });

  it('gives every custom scalar a @specifiedBy URL', () => {
    const custom = Object.values(schema.getTypeMap()).filter(
      (type) => !type.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name) && 'specifiedByURL' in type,
    );
    expect(custom.map((type) => type.name).sort()).toEqual(['Date', 'DateTime', 'JSONObject', 'SafeInt']);
    for (const type of custom) expect((type as { specifiedByURL?: string | null }).specifiedByURL, type.name).toMatch(/^https?:\/\//);
  });
});
