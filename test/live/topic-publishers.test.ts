import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

/** Every TypeScript source of the application, generated code aside. */
function readSources(dir = SRC): Map<string, string> {
  const sources = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'generated') for (const [file, text] of readSources(path)) sources.set(file, text);
    else if (entry.isFile() && entry.name.endsWith('.ts')) sources.set(relative(SRC, path), readFileSync(path, 'utf8'));
  }
  return sources;
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|\s)\/\/.*$/gm, '$1');
}

/** The keys of every `interface TopicMap { … }` block (the map is built by declaration merging). */
function topicMapKeys(text: string): string[] {
  const keys: string[] = [];
  for (const match of text.matchAll(/interface\s+TopicMap\s*\{/g)) {
    let depth = 1;
    let end = match.index + match[0].length;
    while (depth > 0 && end < text.length) {
      if (text[end] === '{') depth += 1;
      if (text[end] === '}') depth -= 1;
      end += 1;
    }
    const body = text.slice(match.index + match[0].length, end - 1);
    // Only top-level keys: nested payload fields sit deeper than one brace.
    let level = 0;
    for (const line of body.split('\n')) {
      const key = level === 0 ? /^\s*['"]([^'"]+)['"]\s*:/.exec(line)?.[1] : undefined;
      if (key) keys.push(key);
      level += (line.match(/\{/g)?.length ?? 0) - (line.match(/\}/g)?.length ?? 0);
    }
  }
  return keys;
}

/** Topics named literally in `pubsub.subscribe('…'` or `pubsub.publish('…'` call sites. */
function callSites(text: string, method: 'subscribe' | 'publish'): string[] {
  const pattern = new RegExp(`\\bpubsub\\s*\\.\\s*${method}\\s*(?:<[^>]*>)?\\s*\\(\\s*['"\`]([^'"\`]+)['"\`]`, 'g');
  return [...text.matchAll(pattern)].map((match) => match[1]!);
}

interface TopicReport {
  declared: string[];
  subscribed: Map<string, string[]>;
  published: Map<string, string[]>;
}

function scan(sources: Map<string, string>): TopicReport {
  const report: TopicReport = { declared: [], subscribed: new Map(), published: new Map() };
  for (const [file, source] of sources) {
    const text = stripComments(source);
    report.declared.push(...topicMapKeys(text));
    for (const [method, sites] of [['subscribe', report.subscribed], ['publish', report.published]] as const) {
      for (const topic of callSites(text, method)) sites.set(topic, [...(sites.get(topic) ?? []), file]);
    }
  }
  return report;
}

/** What the test forbids: a subscribed or declared topic nobody publishes, or a subscription to an undeclared one. */
function problems(report: TopicReport): string[] {
  const found: string[] = [];
  for (const [topic, files] of report.subscribed) {
    if (!report.published.has(topic)) found.push(`"${topic}" is subscribed to (${files.join(', ')}) but never published`);
    if (!report.declared.includes(topic)) found.push(`"${topic}" is subscribed to (${files.join(', ')}) but not declared in a TopicMap`);
  }
  for (const topic of report.declared) {
    if (!report.published.has(topic)) found.push(`"${topic}" is declared in a TopicMap but never published`);
  }
  return found;
}

describe('live-update topics', () => {
  const report = scan(readSources());

  it('finds the topics and call sites it checks', () => {
    expect(report.declared).toContain('user:changed');
    expect(report.subscribed.get('user:changed')).toContain('modules/users/users.schema.ts');
    expect(report.published.get('user:changed')).toContain('modules/users/users.service.ts');
    // The season boards: subscribed by leaderboardChanged and by every instance's StandingWatcher.
    expect(report.declared).toEqual(expect.arrayContaining(['leaderboard:changed', 'hot:changed']));
    expect(report.subscribed.get('leaderboard:changed')).toEqual(
      expect.arrayContaining(['deps.ts', 'modules/leaderboards/leaderboard-live.schema.ts']),
    );
    expect(report.published.get('leaderboard:changed')).toContain('modules/leaderboards/board-sync.ts');
    expect(report.subscribed.get('hot:changed')).toContain('modules/hot/hot-live.schema.ts');
    expect(report.published.get('hot:changed')).toContain('modules/hot/hot-changes.ts');
  });

  it('has a publisher for every topic declared in a TopicMap and every topic subscribed to', () => {
    expect(problems(report)).toEqual([]);
  });

  it('would catch a topic subscribed to but never published', () => {
    const broken = scan(
      new Map([
        ['x/x.topics.ts', "declare module '../infra/pubsub.js' {\n  interface TopicMap {\n    'x:changed': { id: number; nested: { a: 1 } };\n    'x:done': { id: number };\n  }\n}"],
        ['x/x.schema.ts', "subscribe: (_r, a, ctx) => ctx.deps.pubsub.subscribe(\n  'x:changed', a.id)"],
        ['x/x.service.ts', "// deps.pubsub.publish('x:changed', 1, {})\nawait deps.pubsub.publish('x:done', 1, { id: 1 });"],
      ]),
    );
    expect(broken.declared).toEqual(['x:changed', 'x:done']);
    expect(problems(broken)).toEqual([
      '"x:changed" is subscribed to (x/x.schema.ts) but never published',
      '"x:changed" is declared in a TopicMap but never published',
    ]);
  });
});
