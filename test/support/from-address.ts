import http from 'node:http';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { GraphQLResponse } from './harness.js';

/**
 * Clients that connect from a chosen loopback address (127.0.0.2, 127.0.0.3,
 * … all reach a server on 127.0.0.1), so a test can play several clients
 * with different remote addresses against one real server.
 */
export interface From {
  localAddress: string;
  /** Extra request headers (`x-client-id`, `x-forwarded-for`, `authorization`). */
  headers?: Record<string, string>;
}

/** Sends one request on a fresh connection from `from.localAddress`; resolves with the status and body. */
export function requestFrom(
  url: string,
  from: From,
  options: { method?: string; path?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}${options.path ?? '/graphql'}`,
      { method: options.method ?? 'POST', localAddress: from.localAddress, agent: false, headers: { ...from.headers, ...options.headers } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A GraphQL operation over plain HTTP from `from.localAddress`. */
export async function gqlFrom<T = Record<string, any>>(url: string, from: From, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  const { body } = await requestFrom(url, from, { body: JSON.stringify({ query, variables }), headers: { 'content-type': 'application/json' } });
  return JSON.parse(body) as GraphQLResponse<T>;
}

/** An open SSE request (yoga's "distinct connections" protocol) from `from.localAddress`. */
export interface SseStream {
  status: Promise<number>;
  /** Every `next` payload so far. */
  events: GraphQLResponse[];
  /** Resolves when the server ended the stream. */
  ended: Promise<void>;
  close(): void;
}

export function sseFrom(url: string, from: From, query: string, variables: Record<string, unknown> = {}): SseStream {
  const events: GraphQLResponse[] = [];
  let resolveStatus!: (status: number) => void;
  let resolveEnded!: () => void;
  const status = new Promise<number>((resolve) => (resolveStatus = resolve));
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  const request = http.request(
    `${url}/graphql`,
    {
      method: 'POST',
      localAddress: from.localAddress,
      agent: false,
      headers: { ...from.headers, 'content-type': 'application/json', accept: 'text/event-stream' },
    },
    (response) => {
      resolveStatus(response.statusCode ?? 0);
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(message)?.[1];
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (event === 'next' && data) events.push(JSON.parse(data) as GraphQLResponse);
        }
      });
      response.on('end', resolveEnded);
      response.on('close', resolveEnded);
    },
  );
  request.on('error', () => {
    resolveStatus(0);
    resolveEnded();
  });
  request.end(JSON.stringify({ query, variables }));
  return { status, events, ended, close: () => request.destroy() };
}

/** A WebSocket that connects from `from.localAddress`, for graphql-ws clients and raw upgrades. */
export function webSocketFrom(from: From) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { localAddress: from.localAddress, headers: from.headers });
    }
  };
}

/** A graphql-ws client connecting from `from.localAddress`. */
export function wsClientFrom(url: string, from: From, token?: string): WsClient {
  return createWsClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: webSocketFrom(from),
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
  });
}

/** Runs one query or mutation over a graphql-ws client and returns its single result. */
export function wsExecute<T = Record<string, any>>(client: WsClient, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  return new Promise((resolve, reject) => {
    let result: GraphQLResponse<T> | undefined;
    client.subscribe<T>(
      { query, variables },
      {
        next: (value) => void (result = value as GraphQLResponse<T>),
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error instanceof Error ? error : new Error(JSON.stringify(error)))),
        complete: () => (result ? resolve(result) : reject(new Error('completed without a result'))),
      },
    );
  });
}
