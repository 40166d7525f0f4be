import type { Client } from 'graphql-ws';
import './live-page.css';
import { BoardView } from './board-view.js';
import { connect, run, watch } from './graphql.js';
import { showHot } from './hot-view.js';
import { BOARD, BOARD_CHANGED, BOARDS, HOT_ACTIVITIES, HOT_CHANGED, LOG_IN, MY_BOARD_STANDING, MY_STANDING, type Board, type HotList, type SignedIn, type Standing } from './operations.js';
import { StandingView } from './standing-view.js';

/** The seed's demo password (prisma/seed.ts, printed in the README); demo sign-in works only where the seed ran. */
const DEMO_PASSWORD = 'liveboard-demo';
const TOKEN_KEY = 'liveboard.session';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = byId<HTMLElement>('connection');
const errorLine = byId<HTMLElement>('error');
const boardSelect = byId<HTMLSelectElement>('board-select');
const boardView = new BoardView(byId<HTMLOListElement>('board'));
const standingView = new StandingView(byId<HTMLElement>('me-standing'), byId<HTMLElement>('notice'));

const showError = (error: Error) => (errorLine.textContent = error.message);
const setStatus = (state: 'connected' | 'closed') => {
  status.textContent = state === 'connected' ? 'live' : 'reconnecting…';
  status.className = `status ${state}`;
};

const publicClient = connect(null, setStatus);
let session: (SignedIn & { client: Client }) | null = null;
let stopBoard = () => {};
let stopStanding = () => {};

/** Shows a board: subscribes first, then reads it, so no change between the two is missed. */
function openBoard(key: string): void {
  stopBoard();
  boardView.clear();
  let live = false;
  const period = byId<HTMLElement>('board-period');
  const render = (board: Board) => {
    period.textContent = `Period ${board.period.id} · ${board.totalParticipants} on the board`;
    boardView.show(board.entries);
  };
  stopBoard = watch<{ leaderboardChanged: Board }>(publicClient, BOARD_CHANGED, { board: key }, (data) => {
    live = true;
    render(data.leaderboardChanged);
  }, showError);
  run<{ leaderboard: Board }>(publicClient, BOARD, { board: key })
    .then((data) => live || render(data.leaderboard))
    .catch(showError);
  openStanding();
}

function openStanding(): void {
  stopStanding();
  if (!session) return;
  standingView.reset();
  // As for the board: subscribed first, then read, and the read is dropped once an event came.
  let live = false;
  const board = boardSelect.value;
  stopStanding = watch<{ myStanding: Standing | null }>(session.client, MY_STANDING, { board }, (data) => {
    live = true;
    standingView.show(data.myStanding);
  }, showError);
  run<{ leaderboard: { viewer: Standing | null } }>(session.client, MY_BOARD_STANDING, { board })
    .then((data) => live || standingView.show(data.leaderboard.viewer))
    .catch(showError);
}

async function signIn(handle: string, password: string): Promise<void> {
  errorLine.textContent = '';
  const { logIn } = await run<{ logIn: SignedIn }>(publicClient, LOG_IN, { input: { handle, password } });
  sessionStorage.setItem(TOKEN_KEY, JSON.stringify(logIn));
  startSession(logIn);
}

function startSession(signedIn: SignedIn): void {
  session = { ...signedIn, client: connect(signedIn.token, () => undefined) };
  byId<HTMLElement>('me-who').textContent = `Signed in as ${signedIn.user.displayName} (@${signedIn.user.handle})`;
  byId<HTMLElement>('signed-out').hidden = true;
  byId<HTMLElement>('signed-in').hidden = false;
  boardView.setViewer(signedIn.user.id);
  openStanding();
}

function signOut(): void {
  stopStanding();
  void session?.client.dispose();
  session = null;
  sessionStorage.removeItem(TOKEN_KEY);
  boardView.setViewer(null);
  byId<HTMLElement>('signed-out').hidden = false;
  byId<HTMLElement>('signed-in').hidden = true;
}

byId<HTMLFormElement>('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
  signIn(field('handle'), field('password')).catch(showError);
});
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-demo]')) {
  button.addEventListener('click', () => void signIn(button.dataset.demo ?? '', DEMO_PASSWORD).catch(showError));
}
byId<HTMLButtonElement>('sign-out').addEventListener('click', signOut);
boardSelect.addEventListener('change', () => openBoard(boardSelect.value));

watch<{ hotActivitiesChanged: HotList }>(publicClient, HOT_CHANGED, {}, (data) => showHot(byId('hot'), data.hotActivitiesChanged), showError);
run<{ hotActivities: HotList }>(publicClient, HOT_ACTIVITIES).then((data) => showHot(byId('hot'), data.hotActivities)).catch(showError);

const boards = await run<{ leaderboards: { edges: Array<{ node: { key: string; title: string } }> } }>(publicClient, BOARDS).catch((error: Error) => {
  showError(error);
  return { leaderboards: { edges: [] } };
});
boardSelect.replaceChildren(...boards.leaderboards.edges.map(({ node }) => new Option(node.title, node.key)));
// A board can be linked to: /?board=weekly-checkins.
const wanted = new URLSearchParams(location.search).get('board');
if (wanted && boards.leaderboards.edges.some(({ node }) => node.key === wanted)) boardSelect.value = wanted;
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) startSession(JSON.parse(saved) as SignedIn);
openBoard(boardSelect.value || 'points');
