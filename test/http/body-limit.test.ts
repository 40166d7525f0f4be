import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/harness.js';

/**
 * The body limit where the HTTP server does not enforce it (yoga.fetch):
 * graphql/body-limit.ts keeps yoga's own checks there, since yoga's built-in
 * one is off (http-hygiene.test.ts covers the server's).
 */
const LIMIT = 10_000;
let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ MAX_BODY_BYTES: String(LIMIT) });
});
afterAll(() => t?.cleanup());

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  t.yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, duplex: 'half' } as RequestInit);

const json = (padding: number) => JSON.stringify({ query: '{ __typename }', extensions: { padding: 'x'.repeat(padding) } });

function streamed(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    start(controller) {
      for (let offset = 0; offset < bytes.length; offset += 1_000) controller.enqueue(bytes.subarray(offset, offset + 1_000));
      controller.close();
    },
  });
}

describe('the request body limit through yoga.fetch', () => {
  it('refuses a body over the limit that declares no length, counted as it streams in', async () => {
    const response = await post(streamed(json(LIMIT * 2)));
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });

  it('refuses a declared Content-Length over the limit, and an invalid one', async () => {
    expect((await post(json(10), { 'content-length': String(LIMIT + 1) })).status).toBe(413);
    expect((await post(json(10), { 'content-length': '10, 10' })).status).toBe(400);
  });

  it('answers a body within the limit, streamed or not', async () => {
    for (const body of [json(LIMIT / 2), streamed(json(LIMIT / 2))]) {
      const response = await post(body);
      expect(response.status).toBe(200);
      expect((await response.json()).data).toEqual({ __typename: 'Query' });
    }
  });
});
