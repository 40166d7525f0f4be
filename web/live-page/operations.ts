/** Every operation the page sends: public fields of the API, nothing the page alone may use. */

const ENTRY = 'rank score user { id displayName }';

export const BOARDS = `query LiveBoards { leaderboards(first: 50, state: ACTIVE) { edges { node { key title } } } }`;
export const BOARD = `query LiveBoard($board: String!) { leaderboard(board: $board, first: 20) { period { id } totalParticipants entries { ${ENTRY} } } }`;
export const BOARD_CHANGED = `subscription LiveBoardChanged($board: String!) { leaderboardChanged(board: $board, first: 20) { period { id } totalParticipants entries { ${ENTRY} } } }`;

const HOT = 'entries { rank score activity { id title category } }';
export const HOT_ACTIVITIES = `query LiveHot { hotActivities(first: 10) { ${HOT} } }`;
export const HOT_CHANGED = `subscription LiveHotChanged { hotActivitiesChanged(first: 10) { ${HOT} } }`;

export const LOG_IN = `mutation LiveLogIn($input: LogInInput!) { logIn(input: $input) { token user { id handle displayName } } }`;
export const MY_BOARD_STANDING = `query LiveMyBoardStanding($board: String!) { leaderboard(board: $board, first: 1) { viewer { rank score } } }`;
export const MY_STANDING = `subscription LiveMyStanding($board: String!) { myStanding(board: $board) { rank score } }`;

export interface Entry {
  rank: number;
  score: number;
  user: { id: string; displayName: string };
}
export interface Board {
  period: { id: string };
  totalParticipants: number;
  entries: Entry[];
}
export interface HotList {
  entries: Array<{ rank: number; score: number; activity: { id: string; title: string; category: string } }>;
}
export interface Standing {
  rank: number;
  score: number;
}
export interface SignedIn {
  token: string;
  user: { id: string; handle: string; displayName: string };
}
