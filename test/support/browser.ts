import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it); Playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, and nothing of Chromium's own that would call home (updates, sync, field trials). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A page whose every request (WebSockets included) is recorded; any to another machine is aborted. */
export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Every URL the page asked for, in order. */
  requests: string[];
  /** The URLs among them that would have left the machine (aborted). */
  offMachine(): string[];
  /** console.error messages and uncaught exceptions of the page (a CSP violation shows here). */
  errors: string[];
}

export async function openWatchedPage(browser: Browser, options: { viewport?: { width: number; height: number } } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  const isLocal = (url: string) => {
    const { protocol, host, hostname } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
    return LOCAL_HOSTS.has(hostname) || LOCAL_HOSTS.has(host);
  };
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    requests.push(url);
    if (isLocal(url)) await route.continue();
    else await route.abort('blockedbyclient');
  });
  page.on('websocket', (socket) => requests.push(socket.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, requests, errors, offMachine: () => requests.filter((url) => !isLocal(url)) };
}
