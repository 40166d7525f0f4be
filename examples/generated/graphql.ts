/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A calendar day in `YYYY-MM-DD` format, e.g. `2026-11-21`, in the server's APP_TIMEZONE; years 1970–9999. */
  Date: { input: string; output: string; }
  /** A date-time string at UTC (RFC 3339), such as `2026-11-21T09:30:00Z`; years 1970–9999. */
  DateTime: { input: string; output: string; }
  /** The `JSONObject` scalar type represents JSON objects as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSONObject: { input: Record<string, unknown>; output: Record<string, unknown>; }
  /** An integer within ±9007199254740991 (2^53 − 1, JavaScript's Number.MAX_SAFE_INTEGER), as a JSON number: what a JSON number holds exactly. Wider than Int (32 bits). */
  SafeInt: { input: number; output: number; }
};

/** Something to join: a time, a number of seats, sign-up windows, and the people taking part. */
export type Activity = Node & {
  __typename?: 'Activity';
  /** The organizer's reason for cancelling, if given. */
  cancelReason?: Maybe<Scalars['String']['output']>;
  /** When it was cancelled; null unless CANCELLED. */
  cancelledAt?: Maybe<Scalars['DateTime']['output']>;
  /** Null means unlimited. */
  capacity?: Maybe<Scalars['Int']['output']>;
  /** The category slug, e.g. `running`. */
  category: Scalars['String']['output'];
  /** How many participants checked in. */
  checkInCount: Scalars['Int']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The description, up to 5000 characters; may be empty. */
  description: Scalars['String']['output'];
  /** When it ends. */
  endsAt: Scalars['DateTime']['output'];
  /** How many users favorited it. */
  favoriteCount: Scalars['Int']['output'];
  /** Heat now (hotSettings); null unless the activity is ranked on the hot boards (published, not ended or cancelled, inside the age window). */
  heat?: Maybe<Scalars['Float']['output']>;
  /** How `heat` is made up: each behaviour's count, weight and contribution, and the time term. Null when `heat` is. */
  heatBreakdown?: Maybe<HeatBreakdown>;
  /** Rank on the global hot board (1 = hottest); null when not on it (not visible, or below HOT_BOARD_SIZE). */
  heatRank?: Maybe<Scalars['Int']['output']>;
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** Who organizes it. */
  organizer: User;
  /** How many hold a seat (JOINED). */
  participantCount: Scalars['Int']['output'];
  /** Who has a seat (JOINED), in the order they joined; never those on the waitlist. */
  participants: ParticipationConnection;
  /** When it was published; null while a draft. */
  publishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When sign-ups close. */
  signupEndsAt: Scalars['DateTime']['output'];
  /** When sign-ups open. */
  signupStartsAt: Scalars['DateTime']['output'];
  /** When it starts. */
  startsAt: Scalars['DateTime']['output'];
  /** Where it is in its lifecycle, now. */
  status: ActivityStatus;
  /** The title, 1–120 characters. */
  title: Scalars['String']['output'];
  /** Pass it back to updateActivity; it changes with every change of the activity. */
  version: Scalars['Int']['output'];
  /** Distinct viewers per local day, summed. */
  viewCount: Scalars['Int']['output'];
  /** True when the viewer favorited it; false without a token. */
  viewerHasFavorited: Scalars['Boolean']['output'];
  /** True when the viewer holds a seat or waits for one; false without a token. */
  viewerHasJoined: Scalars['Boolean']['output'];
  /** How many wait for a seat (WAITLISTED participations); 0 once sign-ups end. */
  waitlistCount: Scalars['Int']['output'];
};


/** Something to join: a time, a number of seats, sign-up windows, and the people taking part. */
export type ActivityParticipantsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of activities. */
export type ActivityConnection = {
  __typename?: 'ActivityConnection';
  /** The items of this page, each with its cursor. */
  edges: Array<ActivityEdge>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
  /** How many activities the list holds in all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An activity in a page, with its cursor. */
export type ActivityEdge = {
  __typename?: 'ActivityEdge';
  /** Pass as `after` (or `before`) to read the page after (or before) this edge. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node: Activity;
};

/** Which activities to list; every given condition must hold. */
export type ActivityFilter = {
  /** Only activities of this category slug. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** Only activities this user (a User id) organizes. */
  organizerId?: InputMaybe<Scalars['ID']['input']>;
  /** Only activities starting at or after this time. */
  startsAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only activities starting before this time. */
  startsBefore?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only activities in this status. */
  status?: InputMaybe<ActivityStatus>;
};

/** START_TIME: soonest first. CREATED: newest first. HEAT: as the hot ranking orders them (visible, ranked activities only). */
export type ActivityOrder =
  /** Newest first. */
  | 'CREATED'
  /** Hottest first, as the hot ranking orders them (visible, ranked activities only). */
  | 'HEAT'
  /** Soonest start first. */
  | 'START_TIME';

/** DRAFT → UPCOMING → SIGNUP_OPEN ⇄ FULL → SIGNUP_CLOSED → ONGOING → ENDED; CANCELLED from any state before ENDED. */
export type ActivityStatus =
  /** Cancelled by its organizer or an admin before it ended. */
  | 'CANCELLED'
  /** Created, not published: only its organizer and admins see it. */
  | 'DRAFT'
  /** Over. */
  | 'ENDED'
  /** Sign-ups are open but every seat is taken (joining may queue on the waitlist). */
  | 'FULL'
  /** Started, not ended: participants can check in. */
  | 'ONGOING'
  /** Sign-ups have ended; the activity has not started. */
  | 'SIGNUP_CLOSED'
  /** Sign-ups are open and seats are left. */
  | 'SIGNUP_OPEN'
  /** Published; sign-ups have not opened yet. */
  | 'UPCOMING';

/** A session: the bearer token to send as `Authorization: Bearer <token>`, and its user. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** The bearer token: send it as `Authorization: Bearer <token>`. */
  token: Scalars['String']['output'];
  /** The signed-in user. */
  user: User;
};

/** Which scores rank first. Equal scores rank in the order they were reached. */
export type BoardOrder =
  /** Lowest first (times, strokes). */
  | 'ASC'
  /** Highest first (points, high scores). */
  | 'DESC';

/** One period of a leaderboard: a day, an ISO week, a month, or `all` for an all-time board. */
export type BoardPeriod = {
  __typename?: 'BoardPeriod';
  /** The leaderboard key. */
  board: Scalars['String']['output'];
  /** Exclusive: the start of the next period; null for an all-time board. */
  endsAt?: Maybe<Scalars['DateTime']['output']>;
  /** The period id: `2026-11-30`, `2026-W49`, `2026-11` or `all`. */
  id: Scalars['ID']['output'];
  /** When this board resets (the period ends), while the period is current; null for all-time boards. */
  nextResetAt?: Maybe<Scalars['DateTime']['output']>;
  /** Local midnight of its first day (an all-time board: when it was created). */
  startsAt: Scalars['DateTime']['output'];
  /** Whether the period is live, closing or archived. */
  state: SeasonState;
};

/** A period of a leaderboard that was just archived, and the period that is current now. */
export type BoardRollover = {
  __typename?: 'BoardRollover';
  /** The period id now ARCHIVED: its board is served from PostgreSQL. */
  archivedPeriod: Scalars['ID']['output'];
  /** The leaderboard key. */
  board: Scalars['String']['output'];
  /** The current period; null once the leaderboard is archived. */
  currentPeriod?: Maybe<Scalars['ID']['output']>;
};

/** How a bucketed board stores each period in Redis: split by score into `bounds` + 1 sorted sets (docs/scaling.md). Fixed at creation. */
export type BucketLayout = {
  __typename?: 'BucketLayout';
  /** Score bounds from the best score to the worst; a bound's own score falls in the bucket that starts at it. */
  bounds: Array<Scalars['SafeInt']['output']>;
  /** How many hash tags the per-user state is spread over. */
  userShards: Scalars['Int']['output'];
};

/** Bucketed storage for a very large board (docs/scaling.md): each period's Redis board is split by score into bounds + 1 sorted sets, spread over a cluster. Costs more memory per member and more round trips per read; fixed once the board exists. */
export type BucketLayoutInput = {
  /** 1–255 score bounds from the best score to the worst: strictly descending on a DESC board, strictly ascending on an ASC one. */
  bounds: Array<Scalars['SafeInt']['input']>;
  /** Hash tags the per-user state is spread over, 1–1024; 16 by default. */
  userShards?: InputMaybe<Scalars['Int']['input']>;
};

/** A new activity. Times must follow one another: signupStartsAt ≤ signupEndsAt ≤ startsAt < endsAt. */
export type CreateActivityInput = {
  /** 1–100000 seats; null or absent for unlimited. */
  capacity?: InputMaybe<Scalars['Int']['input']>;
  /** A short slug, such as "running" or "board-games". */
  category: Scalars['String']['input'];
  /** At most 5000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** When it ends; after startsAt. */
  endsAt: Scalars['DateTime']['input'];
  /** When sign-ups close; at or before startsAt. */
  signupEndsAt: Scalars['DateTime']['input'];
  /** When sign-ups open. */
  signupStartsAt: Scalars['DateTime']['input'];
  /** When it starts. */
  startsAt: Scalars['DateTime']['input'];
  /** 1–120 characters. */
  title: Scalars['String']['input'];
};

/** A new leaderboard. Admins create any; organizers ACTIVITY boards for their own activities. */
export type CreateLeaderboardInput = {
  /** The activity; exactly for ACTIVITY boards. */
  activityId?: InputMaybe<Scalars['ID']['input']>;
  /** Bucketed storage; omit for one sorted set (right up to millions of members). */
  buckets?: InputMaybe<BucketLayoutInput>;
  /** The category slug; exactly for CATEGORY boards. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** Up to 1000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** A slug: lower-case letters, digits and single hyphens, 2–40 characters; unique. */
  key: Scalars['String']['input'];
  /** SUBMITTED boards: BEST (default), LATEST or SUM. POINTS boards: SUM only. */
  operator?: InputMaybe<ScoreOperator>;
  /** DESC (default) or ASC; POINTS boards are DESC only. */
  order?: InputMaybe<BoardOrder>;
  /** Required, except for ACTIVITY boards, which are ALL_TIME (the default and the only period they take). */
  period?: InputMaybe<LeaderboardPeriod>;
  /** POINTS boards only: the types that feed it; omit (or null) for every type. */
  pointTypes?: InputMaybe<Array<PointsType>>;
  /** GLOBAL by default. */
  scope?: InputMaybe<LeaderboardScope>;
  /** POINTS or SUBMITTED. */
  source: LeaderboardSource;
  /** 1–100 characters. */
  title: Scalars['String']['input'];
};

/** How heat is computed (HOT_ALGORITHM). */
export type HeatAlgorithm =
  /** max(s−1,0)/(ageHours+2)^gravity (1.8 by default): decays as time passes. */
  | 'HACKERNEWS'
  /** sign(s)·log10(max(|s|,1)) + (publishedAt − 2024-01-01)/45000 s: does not decay. */
  | 'REDDIT';

/** A behaviour that counts towards heat. */
export type HeatBehaviour =
  /** Check-ins. */
  | 'CHECK_IN'
  /** Favorites. */
  | 'FAVORITE'
  /** Participants (seats taken). */
  | 'JOIN'
  /** Distinct viewers per day. */
  | 'VIEW';

/** Why an activity has its heat: Σ items.contribution + timeTerm = score. reddit splits the log term by points and timeTerm is the publication term; hackernews folds the decay D=(ageHours+2)^gravity into each part (points/D) and timeTerm is −1/D. */
export type HeatBreakdown = {
  __typename?: 'HeatBreakdown';
  /** The algorithm the score was computed with. */
  algorithm: HeatAlgorithm;
  /** The time the score was computed for (hackernews decays). */
  computedAt: Scalars['DateTime']['output'];
  /** The Hacker News gravity used (hotSettings). */
  gravity: Scalars['Float']['output'];
  /** s = Σ weight × count. */
  interactionPoints: Scalars['Float']['output'];
  /** Each behaviour's part. */
  items: Array<HeatBreakdownItem>;
  /** The heat: Σ items.contribution + timeTerm. */
  score: Scalars['Float']['output'];
  /** The time term (see the type description). */
  timeTerm: Scalars['Float']['output'];
  /** The weights used (hotSettings). */
  weights: HeatWeights;
  /** The age window used, in days (hotSettings); null = none. */
  windowDays?: Maybe<Scalars['Int']['output']>;
};

/** One behaviour's part of a heat score. */
export type HeatBreakdownItem = {
  __typename?: 'HeatBreakdownItem';
  /** The behaviour. */
  behaviour: HeatBehaviour;
  /** Its share of the score. */
  contribution: Scalars['Float']['output'];
  /** How many times it happened. */
  count: Scalars['Int']['output'];
  /** weight × count: its share of the interaction points s. */
  points: Scalars['Float']['output'];
  /** Points per unit (HOT_WEIGHT_*). */
  weight: Scalars['Float']['output'];
};

/** Points per unit of each behaviour in the interaction points s. */
export type HeatWeights = {
  __typename?: 'HeatWeights';
  /** Points per check-in. */
  checkIn: Scalars['Float']['output'];
  /** Points per favorite. */
  favorite: Scalars['Float']['output'];
  /** Points per participant. */
  join: Scalars['Float']['output'];
  /** Points per view. */
  view: Scalars['Float']['output'];
};

/** Points per unit of each behaviour; each -1000 to 1000. */
export type HeatWeightsInput = {
  /** Points per check-in. */
  checkIn: Scalars['Float']['input'];
  /** Points per favorite. */
  favorite: Scalars['Float']['input'];
  /** Points per participant. */
  join: Scalars['Float']['input'];
  /** Points per view. */
  view: Scalars['Float']['input'];
};

/** A hot list: live (from the hot boards) or, with `date`, that day's snapshot. */
export type HotActivities = {
  __typename?: 'HotActivities';
  /** The algorithm the list was computed with. */
  algorithm: HeatAlgorithm;
  /** The category board; null for all categories. */
  category?: Maybe<Scalars['String']['output']>;
  /** When the scores were computed. Null only for a `date` with no snapshot (entries is then empty). */
  computedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The snapshot day asked for; null for the live list. */
  date?: Maybe<Scalars['Date']['output']>;
  /** The hottest first. */
  entries: Array<HotEntry>;
  /** True when the list or its activities could not be confirmed: Redis unreachable (an older local copy of the list is served) or PostgreSQL unreachable (the activities last read are shown). */
  stale: Scalars['Boolean']['output'];
};

/** An activity on a hot list, with its rank and heat. */
export type HotEntry = {
  __typename?: 'HotEntry';
  /** The activity. */
  activity: Activity;
  /** 1 = hottest. */
  rank: Scalars['Int']['output'];
  /** Heat when the list was computed (see computedAt). */
  score: Scalars['Float']['output'];
};

/** The tunable part of the hot ranking. Changes apply to the next recompute (every minute) and to every incremental update after them. */
export type HotSettings = {
  __typename?: 'HotSettings';
  /** How heat is computed. */
  algorithm: HeatAlgorithm;
  /** Hacker News gravity: heat = max(s−1,0)/(ageHours+2)^gravity. */
  gravity: Scalars['Float']['output'];
  /** (admin) The latest changes, newest first. */
  history: Array<HotSettingsChange>;
  /** Last change; null while the HOT_* defaults apply. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Database id of the admin who changed them last. */
  updatedById?: Maybe<Scalars['Int']['output']>;
  /** Points per unit of each behaviour. */
  weights: HeatWeights;
  /** Only activities published in the last windowDays days rank; null = no window. */
  windowDays?: Maybe<Scalars['Int']['output']>;
};


/** The tunable part of the hot ranking. Changes apply to the next recompute (every minute) and to every incremental update after them. */
export type HotSettingsHistoryArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** One change of the hot settings: the values set, by whom and when. */
export type HotSettingsChange = {
  __typename?: 'HotSettingsChange';
  /** The algorithm set. */
  algorithm: HeatAlgorithm;
  /** When the change was made. */
  changedAt: Scalars['DateTime']['output'];
  /** Database id of the admin who made it. */
  changedById?: Maybe<Scalars['Int']['output']>;
  /** The Hacker News gravity set. */
  gravity: Scalars['Float']['output'];
  /** The weights set. */
  weights: HeatWeights;
  /** The age window set, in days; null = none. */
  windowDays?: Maybe<Scalars['Int']['output']>;
};

/** A background job: periodic (with a schedule) or run on events. Its id stands for its name. */
export type Job = Node & {
  __typename?: 'Job';
  /** What it does. */
  description?: Maybe<Scalars['String']['output']>;
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** The job name, e.g. `hot.recompute`. */
  name: Scalars['String']['output'];
  /** The next scheduled tick; null when paused or not periodic. */
  nextRunAt?: Maybe<Scalars['DateTime']['output']>;
  /** The next 3 scheduled ticks; empty when paused or not periodic. */
  nextRuns: Array<Scalars['DateTime']['output']>;
  /** Paused by an admin: its schedule does not tick on any instance. */
  paused: Scalars['Boolean']['output'];
  /** The queue it runs in. */
  queue: Scalars['String']['output'];
  /** The latest attempts, newest first, from the run history in PostgreSQL. */
  runs: Array<JobRun>;
  /** When it ticks; null for jobs run on events only. */
  schedule?: Maybe<JobSchedule>;
};


/** A background job: periodic (with a schedule) or run on events. Its id stands for its name. */
export type JobRunsArgs = {
  first?: Scalars['Int']['input'];
};

/** One attempt of one job run. A retry is a new attempt of the same `jobId`. Its `id` is a global id; `runId` is the database id `id` was before. */
export type JobRun = Node & {
  __typename?: 'JobRun';
  /** 1 for the first try. */
  attempt: Scalars['Int']['output'];
  /** How long it took, in milliseconds; null while running. */
  durationMs?: Maybe<Scalars['Int']['output']>;
  /** The error message of a failed attempt. */
  error?: Maybe<Scalars['String']['output']>;
  /** When it finished; null while running. */
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** The BullMQ job id, as shown in Bull Board. */
  jobId: Scalars['String']['output'];
  /** How many attempts the run may take in all. */
  maxAttempts: Scalars['Int']['output'];
  /** The database id (a decimal number), as `id` was before it became a global id. */
  runId: Scalars['ID']['output'];
  /** When the attempt started. */
  startedAt: Scalars['DateTime']['output'];
  /** How the attempt went, or goes. */
  state: JobRunState;
  /** What started the run. */
  trigger: JobTrigger;
  /** The worker process (`host:pid`). */
  worker?: Maybe<Scalars['String']['output']>;
};

/** How an attempt of a job went, or goes. */
export type JobRunState =
  /** An admin cancelled the job (`cancelJob`); it stopped at a checkpoint and is not retried. */
  | 'CANCELLED'
  /** The attempt finished successfully. */
  | 'COMPLETED'
  /** The attempt failed and no attempts are left. */
  | 'FAILED'
  /** The attempt failed; the job is retried after a backoff. */
  | 'RETRYING'
  /** A worker is running this attempt now. */
  | 'RUNNING'
  /** The worker died during the attempt; the job was handed to another worker. */
  | 'STALLED';

/** When a periodic job ticks: every N milliseconds, or on a cron pattern in `timeZone`. The effective schedule: an admin's (`updateJobSchedule`) or else the one in code. */
export type JobSchedule = {
  __typename?: 'JobSchedule';
  /** Cron pattern (5 fields, or 6 with seconds first), read in `timeZone`. */
  cron?: Maybe<Scalars['String']['output']>;
  /** True when an admin set this schedule or zone; false while the job runs on the schedule in code. */
  custom: Scalars['Boolean']['output'];
  /** Interval in milliseconds. */
  every?: Maybe<Scalars['Int']['output']>;
  /** IANA time zone the cron pattern is read in. */
  timeZone: Scalars['String']['output'];
  /** When an admin changed the schedule last; null if never changed. */
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The admin who changed the schedule last; null if never changed. */
  updatedBy?: Maybe<User>;
};

/** What started a job run. */
export type JobTrigger =
  /** Enqueued by the application. */
  | 'EVENT'
  /** Started by an admin with `runJob`. */
  | 'MANUAL'
  /** A tick of the job's schedule. */
  | 'SCHEDULE';

/** A page of one period of a leaderboard. Its id names the board, period, rank mode and the window shown (`first` from the top, an offset, a cursor or a set of users): `leaderboard(first: n)` and `leaderboardChanged(first: n)` of one board period are the same object. */
export type Leaderboard = Node & {
  __typename?: 'Leaderboard';
  /** The leaderboard key. */
  board: Scalars['String']['output'];
  /** The places shown, in board order. */
  entries: Array<LeaderboardEntry>;
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** Where this page ends. */
  pageInfo: LeaderboardPageInfo;
  /** The period shown. */
  period: BoardPeriod;
  /** How equal scores are ranked in this page. */
  rankMode: RankMode;
  /**
   * The period as a season, on monthly boards.
   * @deprecated Use `period`; null on boards that are not monthly.
   */
  season?: Maybe<Season>;
  /** True when Redis could not be read, or its board was still being rebuilt after Redis lost its data, and the board was computed from PostgreSQL instead: exact as of the last write, but live updates may lag. */
  stale: Scalars['Boolean']['output'];
  /** Users on the board in this period. */
  totalParticipants: Scalars['Int']['output'];
  /** Null without a token or when the viewer is not on the board. */
  viewer?: Maybe<Standing>;
};

/** A user's place on a board period with the places around it. */
export type LeaderboardAround = {
  __typename?: 'LeaderboardAround';
  /** The leaderboard key. */
  board: Scalars['String']['output'];
  /** The user and up to `radius` entries above and below; empty when the user is not on the board. */
  entries: Array<LeaderboardEntry>;
  /** The period read. */
  period: BoardPeriod;
  /**
   * The period as a season, on monthly boards.
   * @deprecated Use `period`.
   */
  season?: Maybe<Season>;
  /** True when Redis could not be read, or its board was still being rebuilt after Redis lost its data, and the board was computed from PostgreSQL instead: exact as of the last write, but live updates may lag. */
  stale: Scalars['Boolean']['output'];
  /** The user's standing; null when not on the board. */
  standing?: Maybe<Standing>;
  /** Users on the board in this period. */
  totalParticipants: Scalars['Int']['output'];
};

/** How a leaderboard is defined: its key, period, scope, score source, operator, order and state. */
export type LeaderboardDefinition = {
  __typename?: 'LeaderboardDefinition';
  /** The activity of an ACTIVITY board; null otherwise, and for an activity still in draft unless you organize it (or are an admin). */
  activity?: Maybe<Activity>;
  /** When it was archived; null while ACTIVE. */
  archivedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The bucket layout of a bucketed board; null for a board stored as one sorted set. */
  buckets?: Maybe<BucketLayout>;
  /** The category of a CATEGORY board; null otherwise. */
  category?: Maybe<Scalars['String']['output']>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The id of the period now falls in (`2026-11-30`, `2026-W49`, `2026-11` or `all`), in APP_TIMEZONE; for an archived board, the period it froze in. */
  currentPeriod: Scalars['String']['output'];
  /** Display description, up to 1000 characters; may be empty. */
  description: Scalars['String']['output'];
  /** The board's slug, e.g. `weekly-checkins`; what `leaderboard(board:)` takes. Never changes. */
  key: Scalars['String']['output'];
  /** When the current period ends and the board starts over (local midnight in APP_TIMEZONE); null for ALL_TIME and archived boards. */
  nextResetAt?: Maybe<Scalars['DateTime']['output']>;
  /** How a user's scores combine within a period (SUM for POINTS boards). */
  operator: ScoreOperator;
  /** Which scores rank first. */
  order: BoardOrder;
  /** How often it resets. */
  period: LeaderboardPeriod;
  /** The point types that feed a POINTS board; null for every type, and for SUBMITTED boards. */
  pointTypes?: Maybe<Array<PointsType>>;
  /** What it covers. */
  scope: LeaderboardScope;
  /** Where its scores come from. */
  source: LeaderboardSource;
  /** ACTIVE, or ARCHIVED (frozen). */
  state: LeaderboardState;
  /** Display title, 1–100 characters. */
  title: Scalars['String']['output'];
};

/** A page of leaderboard definitions. */
export type LeaderboardDefinitionConnection = {
  __typename?: 'LeaderboardDefinitionConnection';
  /** The items of this page, each with its cursor. */
  edges: Array<LeaderboardDefinitionEdge>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
};

/** A leaderboard definition in a page, with its cursor. */
export type LeaderboardDefinitionEdge = {
  __typename?: 'LeaderboardDefinitionEdge';
  /** Pass as `after` (or `before`) to read the page after (or before) this edge. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node: LeaderboardDefinition;
};

/** A place on a board. Order: the best score first, then who reached that score first. Its id names the board, period, rank mode and user (not the page it came in), so every read and `leaderboardChanged` event of that place updates one cached entry. */
export type LeaderboardEntry = Node & {
  __typename?: 'LeaderboardEntry';
  /** Pass as `after` to read the entries after this one (a walk that never returns a member twice). Null on entries of `leaderboardAround` and of a `userIds` read, which are no page of a walk. */
  cursor?: Maybe<Scalars['String']['output']>;
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** The share of the board at or above this rank, in percent. */
  percentile?: Maybe<Scalars['Float']['output']>;
  /**
   * The score as an Int.
   * @deprecated Use `score`: scores may exceed the 32-bit range of Int.
   */
  points: Scalars['Int']['output'];
  /** Rank on the whole board, in the rank mode asked. */
  rank: Scalars['Int']['output'];
  /** With `userIds`: the rank among those users (same rank mode); null otherwise. */
  rankInSet?: Maybe<Scalars['Int']['output']>;
  /** The score. An integer within ±(2^53 − 1). */
  score: Scalars['SafeInt']['output'];
  /** Whose place it is. */
  user: User;
};

/** Where a page ends, for cursor pagination (`after`). */
export type LeaderboardPageInfo = {
  __typename?: 'LeaderboardPageInfo';
  /** The cursor of the last entry; null on an empty page and on a `userIds` read. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when entries follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** How often a leaderboard resets, at local midnight in the server's APP_TIMEZONE. */
export type LeaderboardPeriod =
  /** Never; its one period is `all`. */
  | 'ALL_TIME'
  /** Every day; periods are written `2026-11-30`. */
  | 'DAILY'
  /** Every calendar month; periods are written `2026-11`. */
  | 'MONTHLY'
  /** Every ISO week, Monday to Sunday; periods are written `2026-W49`. */
  | 'WEEKLY';

/** What a leaderboard covers. */
export type LeaderboardScope =
  /** One activity (`activity`), e.g. a tournament; frozen when the activity ends or is cancelled. */
  | 'ACTIVITY'
  /** Activities of one category (`category`). */
  | 'CATEGORY'
  /** Everyone and everything. */
  | 'GLOBAL';

/** Where a leaderboard's scores come from. */
export type LeaderboardSource =
  /** Points awarded (of `pointTypes`, or all), added up per period. */
  | 'POINTS'
  /** Scores sent by a trusted service with `submitScore`, combined by `operator`. */
  | 'SUBMITTED';

/** Whether a leaderboard still changes. */
export type LeaderboardState =
  /** Takes scores and resets with its period. */
  | 'ACTIVE'
  /** Frozen in the period it was archived in; its history stays readable. */
  | 'ARCHIVED';

/** Credentials of an existing account. */
export type LogInInput = {
  /** The handle (case-insensitive). */
  handle: Scalars['String']['input'];
  /** The password. */
  password: Scalars['String']['input'];
};

/** What can be changed. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Freezes a leaderboard (admins; organizers for their activity's boards): no more scores, no more resets; its current period is closed and archived at once and stays readable. Idempotent. The built-in `points` board cannot be archived (BAD_USER_INPUT). */
  archiveLeaderboard: LeaderboardDefinition;
  /** (admin) Adds or removes points (no cap). Re-sending the same idempotencyKey changes nothing. */
  awardPoints: PointsAward;
  /** (organizer or admin) Cancels from any status before ENDED; participants are notified. */
  cancelActivity: Activity;
  /** (admin) Cancels a running job: it stops at its next checkpoint, fails without retry, and its run is recorded as CANCELLED. On a flow parent waiting for its children (a rollover finish step), cancels the whole flow. INVALID_STATE for a job not running. */
  cancelJob: QueuedJob;
  /** Marks a participant (JOINED) present while the activity is ONGOING; once. FORBIDDEN without a seat. */
  checkIn: Participation;
  /** Creates a DRAFT organized by the caller; publish it to open it to others. */
  createActivity: Activity;
  /** Creates a leaderboard. Admins: any board. Organizers: ACTIVITY boards for their own activities (FORBIDDEN otherwise). BAD_USER_INPUT for a malformed or taken key or an inconsistent definition; NOT_FOUND for an unknown activity; INVALID_STATE for an activity that has ended or was cancelled. */
  createLeaderboard: LeaderboardDefinition;
  /** Signs in for today: 1 point, +10 on streak day 7, +20 on day 14, +40 on day 28. Once a day (ALREADY_SIGNED_IN). */
  dailySignIn: SignInResult;
  /** Adds the activity to the viewer's favorites; favoriting again changes nothing. */
  favoriteActivity: Activity;
  /** Takes a seat while SIGNUP_OPEN; ACTIVITY_FULL when none is left (or people are waiting for one), unless `waitlist` is true: then a WAITLISTED participation with its `waitlistPosition`. A free seat is taken even with `waitlist: true`. Joining again returns the same participation. */
  joinActivity: Participation;
  /** Leaves the waitlist; everyone behind moves up. NOT_FOUND when not on it; INVALID_STATE when holding a seat (use quitActivity). */
  leaveWaitlist: Activity;
  /** Signs in; UNAUTHENTICATED for a wrong handle or password. */
  logIn: AuthPayload;
  /** Marks the viewer's notifications read: `ids` (at most 100) or `all: true`; returns how many were unread and are read now. NOT_FOUND, and nothing marked, when an id is not one of the viewer’s notifications. */
  markNotificationsRead: Scalars['Int']['output'];
  /** (admin) Stops a periodic job's ticks on every instance until `resumeJob`; survives restarts. */
  pauseJob: Job;
  /** (admin) Makes a delayed job due now. INVALID_STATE for a job that is not delayed. */
  promoteJob: QueuedJob;
  /** (organizer or admin) DRAFT → UPCOMING, then on to whatever status the clock says. */
  publishActivity: Activity;
  /** Gives the seat back; allowed until the activity starts. While sign-ups are open the seat goes to the first in the waitlist. On the waitlist, leaves it (as leaveWaitlist). */
  quitActivity: Activity;
  /** Counts a view: at most once per viewer, activity and day. The viewer is the signed-in user, else the `x-client-id` header; requests with neither are not counted. */
  recordView: Activity;
  /** (admin) Removes a waiting or delayed job before it runs; returns it as it was. INVALID_STATE for an active or finished job, or for a schedule's next tick (pause the job instead). */
  removeJob: QueuedJob;
  /** (admin) Restarts a paused job's schedule. */
  resumeJob: Job;
  /** (admin) Puts one dead delivery back to PENDING, due now, with a fresh attempt budget; the next `events.drain` tick runs that consumer only. NOT_FOUND when it is not dead. */
  retryDeadEvent: OutboxDelivery;
  /** (admin) Puts every dead delivery back to PENDING, due now, with a fresh attempt budget; returns how many. */
  retryDeadEvents: Scalars['Int']['output'];
  /** (admin) Runs a failed (or cancelled) job again as its next attempt; earlier attempts stay in the run history. INVALID_STATE for a job that has not failed. */
  retryJob: QueuedJob;
  /** (admin) Starts one run of a periodic job now. Its schedule is not changed. */
  runJob: RunJobPayload;
  /** Creates an account and signs it in. BAD_USER_INPUT for a taken handle or invalid input. */
  signUp: AuthPayload;
  /** (admin) Records a score on a SUBMITTED leaderboard, in its current period, combined by its operator. Meant for trusted services: a service account with the ADMIN role. Counts once per (board, idempotencyKey), however often it is sent; the same key for another user or score is BAD_USER_INPUT. BAD_USER_INPUT: not a SUBMITTED board, a score or SUM total outside ±(2^53 − 1), a user without a seat in an ACTIVITY board's activity. NOT_FOUND: unknown board or user. INVALID_STATE: the board is archived, or its activity ended or was cancelled. */
  submitScore: SubmitScorePayload;
  /** (admin) Suspends a user: every award of points to them is refused with FORBIDDEN until unsuspendUser. */
  suspendUser: UserSuspension;
  /** Removes the activity from the viewer's favorites; nothing when it was not one. */
  unfavoriteActivity: Activity;
  /** (admin) Lifts a suspension; awards refused meanwhile are not replayed. */
  unsuspendUser: UserSuspension;
  /** (organizer or admin) Edits an activity; times that already passed cannot change. */
  updateActivity: Activity;
  /** (admin) Changes the hot settings; recorded with who and when, applied by the next recompute. BAD_USER_INPUT when out of range. */
  updateHotSettings: HotSettings;
  /** (admin) Changes a periodic job's schedule on every instance, at once and across restarts: a cron `pattern` or an interval `everyMs`, in `timeZone`. Neither puts it back on the schedule in code. BAD_USER_INPUT for an invalid pattern, interval or zone. */
  updateJobSchedule: Job;
  /** Changes a leaderboard's title and/or description (admins; organizers for their activity's boards). The rest of a definition never changes. */
  updateLeaderboard: LeaderboardDefinition;
  /** Changes the viewer's profile. */
  updateProfile: User;
  /** (admin) Removes a user's points of one season from every board of that season: correction records bring the season total to 0. INVALID_STATE once the season is archived. */
  voidUserPoints: PointsVoid;
};


/** What can be changed. */
export type MutationArchiveLeaderboardArgs = {
  key: Scalars['String']['input'];
};


/** What can be changed. */
export type MutationAwardPointsArgs = {
  idempotencyKey: Scalars['String']['input'];
  points: Scalars['Int']['input'];
  reason: Scalars['String']['input'];
  userId: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationCancelActivityArgs = {
  id: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


/** What can be changed. */
export type MutationCancelJobArgs = {
  id: Scalars['String']['input'];
  queue: Scalars['String']['input'];
};


/** What can be changed. */
export type MutationCheckInArgs = {
  activityId: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationCreateActivityArgs = {
  input: CreateActivityInput;
};


/** What can be changed. */
export type MutationCreateLeaderboardArgs = {
  input: CreateLeaderboardInput;
};


/** What can be changed. */
export type MutationFavoriteActivityArgs = {
  id: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationJoinActivityArgs = {
  id: Scalars['ID']['input'];
  waitlist?: InputMaybe<Scalars['Boolean']['input']>;
};


/** What can be changed. */
export type MutationLeaveWaitlistArgs = {
  activityId: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationLogInArgs = {
  input: LogInInput;
};


/** What can be changed. */
export type MutationMarkNotificationsReadArgs = {
  all?: InputMaybe<Scalars['Boolean']['input']>;
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
};


/** What can be changed. */
export type MutationPauseJobArgs = {
  name: Scalars['String']['input'];
};


/** What can be changed. */
export type MutationPromoteJobArgs = {
  id: Scalars['String']['input'];
  queue: Scalars['String']['input'];
};


/** What can be changed. */
export type MutationPublishActivityArgs = {
  id: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationQuitActivityArgs = {
  id: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationRecordViewArgs = {
  activityId: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationRemoveJobArgs = {
  id: Scalars['String']['input'];
  queue: Scalars['String']['input'];
};


/** What can be changed. */
export type MutationResumeJobArgs = {
  name: Scalars['String']['input'];
};


/** What can be changed. */
export type MutationRetryDeadEventArgs = {
  consumer: Scalars['String']['input'];
  eventId: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationRetryJobArgs = {
  id: Scalars['String']['input'];
  queue: Scalars['String']['input'];
};


/** What can be changed. */
export type MutationRunJobArgs = {
  data?: InputMaybe<Scalars['JSONObject']['input']>;
  name: Scalars['String']['input'];
};


/** What can be changed. */
export type MutationSignUpArgs = {
  input: SignUpInput;
};


/** What can be changed. */
export type MutationSubmitScoreArgs = {
  board: Scalars['String']['input'];
  idempotencyKey: Scalars['String']['input'];
  score: Scalars['SafeInt']['input'];
  userId: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationSuspendUserArgs = {
  reason: Scalars['String']['input'];
  userId: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationUnfavoriteActivityArgs = {
  id: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationUnsuspendUserArgs = {
  userId: Scalars['ID']['input'];
};


/** What can be changed. */
export type MutationUpdateActivityArgs = {
  input: UpdateActivityInput;
};


/** What can be changed. */
export type MutationUpdateHotSettingsArgs = {
  input: UpdateHotSettingsInput;
};


/** What can be changed. */
export type MutationUpdateJobScheduleArgs = {
  everyMs?: InputMaybe<Scalars['Int']['input']>;
  name: Scalars['String']['input'];
  pattern?: InputMaybe<Scalars['String']['input']>;
  timeZone?: InputMaybe<Scalars['String']['input']>;
};


/** What can be changed. */
export type MutationUpdateLeaderboardArgs = {
  input: UpdateLeaderboardInput;
};


/** What can be changed. */
export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};


/** What can be changed. */
export type MutationVoidUserPointsArgs = {
  reason: Scalars['String']['input'];
  season: Scalars['ID']['input'];
  userId: Scalars['ID']['input'];
};

/** The viewer's points: today's per type, a board standing, and the sign-in streak. */
export type MyPoints = {
  __typename?: 'MyPoints';
  /** The leaderboard of `score` and `rank`. */
  board: Scalars['String']['output'];
  /** Today in APP_TIMEZONE. */
  date: Scalars['Date']['output'];
  /**
   * Today in APP_TIMEZONE (`YYYY-MM-DD`).
   * @deprecated Use `date`: the same value, typed Date.
   */
  day: Scalars['String']['output'];
  /** Share of the board at or above `rank`, in percent. */
  percentile?: Maybe<Scalars['Float']['output']>;
  /** The period of `score` and `rank` on `board`. */
  period: Scalars['ID']['output'];
  /** Rank on `board` in `period`; null when not on it. */
  rank?: Maybe<Scalars['Int']['output']>;
  /** Score on `board` in `period` (0 when not on it). An integer within ±(2^53 − 1). */
  score: Scalars['SafeInt']['output'];
  /** The current season of the `points` board, or the one asked for. */
  season: Season;
  /**
   * Total in `season` on the `points` board; with another `board`, the score there.
   * @deprecated Use `score`.
   */
  seasonTotal: Scalars['Int']['output'];
  /** Current sign-in streak in days; 0 once a day was missed. */
  signInStreak: Scalars['Int']['output'];
  /** True once the viewer signed in today. */
  signedInToday: Scalars['Boolean']['output'];
  /** True when the rank was computed from PostgreSQL because Redis was unreachable or its board was being rebuilt. */
  stale: Scalars['Boolean']['output'];
  /** Today's points per type, with caps. */
  today: Array<TodayPoints>;
};

/** An object with a global id: refetch it with `node(id:)`; normalized caches key it by `id`. */
export type Node = {
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
};

/** One entry of the viewer's inbox. Only its recipient can see it: anyone else gets null from `node` and NOT_FOUND from mutations. */
export type Notification = Node & {
  __typename?: 'Notification';
  /** The activity it is about; null for season notifications. */
  activity?: Maybe<Activity>;
  /** The message, as it was when written (times in the service’s time zone). */
  body: Scalars['String']['output'];
  /** When it was written. */
  createdAt: Scalars['DateTime']['output'];
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** What it is about. */
  kind: NotificationKind;
  /** SEASON_ENDED: your final rank in the season. */
  rank?: Maybe<Scalars['Int']['output']>;
  /** When it was marked read; null while unread. */
  readAt?: Maybe<Scalars['DateTime']['output']>;
  /** ACTIVITY_CANCELLED: the organizer’s reason, if they gave one. */
  reason?: Maybe<Scalars['String']['output']>;
  /** A one-line summary, as it was when written. */
  title: Scalars['String']['output'];
};

/** A page of notifications. */
export type NotificationConnection = {
  __typename?: 'NotificationConnection';
  /** The items of this page, each with its cursor. */
  edges: Array<NotificationEdge>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
};

/** A notification in a page, with its cursor. */
export type NotificationEdge = {
  __typename?: 'NotificationEdge';
  /** Pass as `after` (or `before`) to read the page after (or before) this edge. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node: Notification;
};

/** What a notification is about. */
export type NotificationKind =
  /** An activity you joined (or waited for) was cancelled; `reason` is the organizer’s. */
  | 'ACTIVITY_CANCELLED'
  /** An activity you organize has no seat left. */
  | 'ACTIVITY_FULL'
  /** An activity you joined got new times. */
  | 'ACTIVITY_RESCHEDULED'
  /** A points season ended; `rank` is your final rank. */
  | 'SEASON_ENDED'
  /** You moved from the waitlist to a seat. */
  | 'WAITLIST_PROMOTED';

/** One consumer's delivery of one domain event from the outbox; each consumer is retried on its own. */
export type OutboxDelivery = {
  __typename?: 'OutboxDelivery';
  /** Attempts so far, the one right after commit included; reset to 0 by a retry. */
  attempts: Scalars['Int']['output'];
  /** The name of the consumer this delivery is for, e.g. `points.join`. */
  consumer: Scalars['String']['output'];
  /** The outbox event id (a decimal number). */
  eventId: Scalars['ID']['output'];
  /** The event type, e.g. `activity.joined`. */
  eventType: Scalars['String']['output'];
  /** When the latest attempt finished. */
  lastAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  /** The error message of the latest failed attempt. */
  lastError?: Maybe<Scalars['String']['output']>;
  /** When a pending delivery is due next; meaningless once delivered or dead. */
  nextAttemptAt: Scalars['DateTime']['output'];
  /** When the event happened. */
  occurredAt: Scalars['DateTime']['output'];
  /** The event's payload, as its consumers receive it. */
  payload: Scalars['JSONObject']['output'];
  /** Pending, delivered or dead. */
  state: OutboxDeliveryState;
};

/** A page of outbox deliveries. */
export type OutboxDeliveryConnection = {
  __typename?: 'OutboxDeliveryConnection';
  /** The items of this page, each with its cursor. */
  edges: Array<OutboxDeliveryEdge>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
};

/** An outbox delivery in a page, with its cursor. */
export type OutboxDeliveryEdge = {
  __typename?: 'OutboxDeliveryEdge';
  /** Pass as `after` (or `before`) to read the page after (or before) this edge. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node: OutboxDelivery;
};

/** Where one consumer's delivery of a domain event stands. */
export type OutboxDeliveryState =
  /** The consumer failed OUTBOX_MAX_ATTEMPTS times; nothing retries it until an admin does. */
  | 'DEAD'
  /** The consumer handled the event. */
  | 'DELIVERED'
  /** Not delivered yet: due at `nextAttemptAt`, or being delivered. */
  | 'PENDING';

/** Where a page of a connection starts and ends, for cursor pagination. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** The cursor of the last edge; null on an empty page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when items follow this page (read them with `after: endCursor`). */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when items come before this page (read them with `before: startCursor`). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** The cursor of the first edge; null on an empty page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** A user's seat in an activity, or their place in its waitlist. */
export type Participation = Node & {
  __typename?: 'Participation';
  /** The activity. */
  activity: Activity;
  /** When they checked in; null until then. */
  checkedInAt?: Maybe<Scalars['DateTime']['output']>;
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** When the seat was taken: the promotion time for someone promoted from the waitlist; while WAITLISTED, when they queued. */
  joinedAt: Scalars['DateTime']['output'];
  /** A seat, or a place in the waitlist. */
  status: ParticipationStatus;
  /** Whose seat or place it is. */
  user: User;
  /** While WAITLISTED: 1 + how many wait ahead (1 = next in line), so it shrinks as people ahead leave or are promoted; otherwise null. */
  waitlistPosition?: Maybe<Scalars['Int']['output']>;
  /** When the user joined the waitlist; null if they never waited. */
  waitlistedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** A page of participations (seats and waiting-line places). */
export type ParticipationConnection = {
  __typename?: 'ParticipationConnection';
  /** The items of this page, each with its cursor. */
  edges: Array<ParticipationEdge>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
  /** How many participations the list holds in all pages. */
  totalCount: Scalars['Int']['output'];
};

/** A participation in a page, with its cursor. */
export type ParticipationEdge = {
  __typename?: 'ParticipationEdge';
  /** Pass as `after` (or `before`) to read the page after (or before) this edge. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node: Participation;
};

/** JOINED: holds a seat. WAITLISTED: waits in line for one; promoted to JOINED when a seat frees up while sign-ups are open. */
export type ParticipationStatus =
  /** Holds a seat. */
  | 'JOINED'
  /** Waits in line for a seat. */
  | 'WAITLISTED';

/** What `awardPoints` did. */
export type PointsAward = {
  __typename?: 'PointsAward';
  /** True when this idempotencyKey was used before: nothing changed. */
  duplicate: Scalars['Boolean']['output'];
  /** The points record written. */
  record: PointsRecord;
};

/** One award or reversal of points. Its `id` is a global id; `recordId` is the database id that `id` was before. Only its user and admins can see it: `node(id:)` gives anyone else NOT_FOUND. */
export type PointsRecord = Node & {
  __typename?: 'PointsRecord';
  /** The activity the points came from; null for sign-ins and adjustments. */
  activity?: Maybe<Activity>;
  /** The admin behind an ADMIN_ADJUST record or a void correction; null for automatic awards. */
  adjustedBy?: Maybe<User>;
  /** Local day (APP_TIMEZONE) of the event time. */
  date: Scalars['Date']['output'];
  /**
   * Local day (`YYYY-MM-DD`, APP_TIMEZONE) of the event time.
   * @deprecated Use `date`: the same value, typed Date.
   */
  day: Scalars['String']['output'];
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** When the event that earned (or cost) the points happened. */
  occurredAt: Scalars['DateTime']['output'];
  /** What was granted: the part that fitted under the daily cap, or a negative reversal. */
  points: Scalars['Int']['output'];
  /** Why, in words: the admin’s reason of an adjustment or void; null for automatic awards. */
  reason?: Maybe<Scalars['String']['output']>;
  /** The database id (a decimal number), as `id` was before it became a global id. */
  recordId: Scalars['ID']['output'];
  /** What the rule asked for, before the daily cap. */
  requested: Scalars['Int']['output'];
  /** Season id (`YYYY-MM`) of the event time. */
  season: Scalars['String']['output'];
  /** The user's total in that season now. */
  seasonTotal: Scalars['Int']['output'];
  /** The rule that granted (or took back) the points. */
  type: PointsType;
  /** Whose points these are. */
  user: User;
};

/** A page of points records. */
export type PointsRecordConnection = {
  __typename?: 'PointsRecordConnection';
  /** The items of this page, each with its cursor. */
  edges: Array<PointsRecordEdge>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
};

/** A points record in a page, with its cursor. */
export type PointsRecordEdge = {
  __typename?: 'PointsRecordEdge';
  /** Pass as `after` (or `before`) to read the page after (or before) this edge. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node: PointsRecord;
};

/** What points were awarded for. */
export type PointsType =
  /** Manual adjustment by an admin (any integer) */
  | 'ADMIN_ADJUST'
  /** Checking in at an activity (once per participation) */
  | 'CHECK_IN'
  /** Daily sign-in: 1 point, +10 on streak day 7, +20 on day 14, +40 on day 28; once a day */
  | 'DAILY_SIGN_IN'
  /** Hosting an activity that ended with at least one check-in */
  | 'HOST_ACTIVITY'
  /** Joining an activity (once per user and activity); quitting takes 10 points back */
  | 'JOIN_ACTIVITY';

/** What `voidUserPoints` did. */
export type PointsVoid = {
  __typename?: 'PointsVoid';
  /** Correction records written; 0 when there was nothing left to void. */
  records: Scalars['Int']['output'];
  /** The season id (`YYYY-MM`). */
  season: Scalars['String']['output'];
  /** Whose points were voided. */
  user: User;
  /** Points taken away (negative when the season total was negative). */
  voided: Scalars['Int']['output'];
};

/** What can be read. */
export type Query = {
  __typename?: 'Query';
  /** Published activities (and the viewer's own drafts), filtered and ordered; at most 100 per page. */
  activities: ActivityConnection;
  /** One activity; NOT_FOUND for an unknown id or someone else’s draft. */
  activity?: Maybe<Activity>;
  /** The current season of the `points` board. */
  currentSeason: Season;
  /** (admin) Deliveries of domain events that failed OUTBOX_MAX_ATTEMPTS times, by event id then consumer. */
  deadEvents: OutboxDeliveryConnection;
  /** The hottest visible activities (all, or one category), or with `date` that day's snapshot taken at 00:00 APP_TIMEZONE. */
  hotActivities: HotActivities;
  /** The hot ranking settings in force: algorithm, gravity, age window and weights. */
  hotSettings: HotSettings;
  /** (admin) The jobs of one queue in one state: next to run first for waiting, delayed, prioritized and waiting-children, newest first otherwise. Offset cursors: a page may repeat or miss a job that moved meanwhile. */
  jobQueue: QueuedJobConnection;
  /** (admin) Every background job with its schedule, next tick, paused flag and latest runs. */
  jobs: Array<Job>;
  /** A page of a leaderboard period: from the top, after a cursor (`after`), at an `offset`, or the board among up to 1000 users (`userIds`: friends, a club), each with their rank in that set and on the whole board. */
  leaderboard: Leaderboard;
  /** A user's standing with the entries around it; the viewer's when userId is absent. */
  leaderboardAround: LeaderboardAround;
  /** The definition of board `key`. NOT_FOUND for an unknown key, BAD_USER_INPUT for a malformed one. */
  leaderboardDefinition: LeaderboardDefinition;
  /** Leaderboard definitions, oldest first (the built-in `points` board first); at most 100 a page. */
  leaderboards: LeaderboardDefinitionConnection;
  /** The caller's points today per type with caps, season total and rank, and sign-in streak. */
  myPoints: MyPoints;
  /** The object with this global id (any `id` of a `Node`). Null with BAD_USER_INPUT for a malformed id or one of another API, null with NOT_FOUND for an id of nothing you may see. */
  node?: Maybe<Node>;
  /** The objects with these global ids, in the order asked; at most 100. An id that cannot be resolved gives null at its place, with a coded error at that path (as `node` explains); the others are still returned. */
  nodes: Array<Maybe<Node>>;
  /** The viewer's notifications, newest first; at most 100 per page. Requires a token. */
  notifications: NotificationConnection;
  /** (admin) One job of a queue, in whatever state. NOT_FOUND for an unknown queue or job, BAD_USER_INPUT for a malformed id. */
  queuedJob: QueuedJob;
  /** Every season of the `points` board, newest first. */
  seasons: Array<Season>;
  /** Standings of up to 1000 users at once. */
  standings: Standings;
  /** How many of the viewer's notifications are unread. Requires a token. */
  unreadNotificationCount: Scalars['Int']['output'];
  /** (admin) Every user, oldest first. */
  users: UserConnection;
  /** The caller, or null without a token. */
  viewer?: Maybe<User>;
};


/** What can be read. */
export type QueryActivitiesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ActivityFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<ActivityOrder>;
};


/** What can be read. */
export type QueryActivityArgs = {
  id: Scalars['ID']['input'];
};


/** What can be read. */
export type QueryDeadEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** What can be read. */
export type QueryHotActivitiesArgs = {
  category?: InputMaybe<Scalars['String']['input']>;
  date?: InputMaybe<Scalars['Date']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** What can be read. */
export type QueryJobQueueArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  name: Scalars['String']['input'];
  state: QueuedJobState;
};


/** What can be read. */
export type QueryLeaderboardArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  board?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  offset?: InputMaybe<Scalars['Int']['input']>;
  period?: InputMaybe<Scalars['ID']['input']>;
  rankMode?: InputMaybe<RankMode>;
  season?: InputMaybe<Scalars['ID']['input']>;
  userIds?: InputMaybe<Array<Scalars['ID']['input']>>;
};


/** What can be read. */
export type QueryLeaderboardAroundArgs = {
  board?: InputMaybe<Scalars['String']['input']>;
  period?: InputMaybe<Scalars['ID']['input']>;
  radius?: InputMaybe<Scalars['Int']['input']>;
  rankMode?: InputMaybe<RankMode>;
  season?: InputMaybe<Scalars['ID']['input']>;
  userId?: InputMaybe<Scalars['ID']['input']>;
};


/** What can be read. */
export type QueryLeaderboardDefinitionArgs = {
  key: Scalars['String']['input'];
};


/** What can be read. */
export type QueryLeaderboardsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  state?: InputMaybe<LeaderboardState>;
};


/** What can be read. */
export type QueryMyPointsArgs = {
  board?: InputMaybe<Scalars['String']['input']>;
  period?: InputMaybe<Scalars['ID']['input']>;
  season?: InputMaybe<Scalars['ID']['input']>;
};


/** What can be read. */
export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


/** What can be read. */
export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


/** What can be read. */
export type QueryNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
};


/** What can be read. */
export type QueryQueuedJobArgs = {
  id: Scalars['String']['input'];
  queue: Scalars['String']['input'];
};


/** What can be read. */
export type QueryStandingsArgs = {
  board?: InputMaybe<Scalars['String']['input']>;
  period?: InputMaybe<Scalars['ID']['input']>;
  rankMode?: InputMaybe<RankMode>;
  season?: InputMaybe<Scalars['ID']['input']>;
  userIds: Array<Scalars['ID']['input']>;
};


/** What can be read. */
export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

/** One job in a BullMQ queue, in any state: what Bull Board shows, through the API. */
export type QueuedJob = {
  __typename?: 'QueuedJob';
  /** Attempts that finished (failed or succeeded). */
  attemptsMade: Scalars['Int']['output'];
  /** Attempts started, including one running now or one a dead worker never finished. */
  attemptsStarted: Scalars['Int']['output'];
  /** An admin cancelled it; a running job stops at its next checkpoint. */
  cancelRequested: Scalars['Boolean']['output'];
  /** When the job was added. */
  createdAt: Scalars['DateTime']['output'];
  /** The job data its processor receives. */
  data: Scalars['JSONObject']['output'];
  /** The delay it was added with (0 for none), in milliseconds. */
  delayMs: Scalars['Int']['output'];
  /** The error of its latest failed attempt. */
  failedReason?: Maybe<Scalars['String']['output']>;
  /** When it completed or failed for good. */
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The BullMQ job id (job_runs.jobId for its attempts). */
  id: Scalars['String']['output'];
  /** The job name, e.g. `activities.transition`. */
  name: Scalars['String']['output'];
  /** The id of its flow's parent job (a rollover copy shard's finish step). */
  parentId?: Maybe<Scalars['String']['output']>;
  /** When a delayed job is due; null for a job added without delay. */
  processAt?: Maybe<Scalars['DateTime']['output']>;
  /** When its latest attempt started. */
  processedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The last progress the job reported; a plain number n reads `{"percent": n}`. Null before any. */
  progress?: Maybe<Scalars['JSONObject']['output']>;
  /** The queue, e.g. `activities`. */
  queue: Scalars['String']['output'];
  /** What a completed job returned; a non-object value v reads `{"value": v}`. */
  returnValue?: Maybe<Scalars['JSONObject']['output']>;
  /** Its state when read: a `QueuedJobState` name, or UNKNOWN when it moved on (or was removed) meanwhile. */
  state: Scalars['String']['output'];
};

/** A page of queued jobs. */
export type QueuedJobConnection = {
  __typename?: 'QueuedJobConnection';
  /** The items of this page, each with its cursor. */
  edges: Array<QueuedJobEdge>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
};

/** A queued job in a page, with its cursor. */
export type QueuedJobEdge = {
  __typename?: 'QueuedJobEdge';
  /** Pass as `after` (or `before`) to read the page after (or before) this edge. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node: QueuedJob;
};

/** Where a job is in its BullMQ queue. */
export type QueuedJobState =
  /** A worker is running it now. */
  | 'ACTIVE'
  /** Finished; kept for a while with its return value. */
  | 'COMPLETED'
  /** Due later, at `processAt` (a retry backoff, or a job planned for a time, e.g. an activity status change). */
  | 'DELAYED'
  /** Failed for good (or cancelled); kept for a while for inspection and `retryJob`. */
  | 'FAILED'
  /** Due and waiting, ordered by priority. */
  | 'PRIORITIZED'
  /** Due and waiting for a free worker. */
  | 'WAITING'
  /** A flow parent waiting for its child jobs (e.g. a rollover finish step waiting for its copy shards). */
  | 'WAITING_CHILDREN';

/** How equal scores are ranked. */
export type RankMode =
  /** Equal scores share a rank and the next rank skips: 1, 1, 3. */
  | 'COMPETITION'
  /** Equal scores share a rank and the next rank follows: 1, 1, 2. */
  | 'DENSE'
  /** Unique ranks 1, 2, 3: equal scores in the order they were reached (the default). */
  | 'ORDINAL';

/** What a user may do. */
export type Role =
  /** An administrator: everything a user may, plus the admin operations marked (admin). */
  | 'ADMIN'
  /** A member: joins, organizes, earns points. */
  | 'USER';

/** A run queued by `runJob`. */
export type RunJobPayload = {
  __typename?: 'RunJobPayload';
  /** The job, as it is now. */
  job: Job;
  /** The id of the run that was queued; its attempts appear in `Job.runs`. */
  jobId: Scalars['String']['output'];
};

/** How a SUBMITTED board combines a user's scores within a period. POINTS boards always SUM. */
export type ScoreOperator =
  /** Keeps the best score: the highest on a DESC board, the lowest on an ASC one. */
  | 'BEST'
  /** Keeps the latest score. */
  | 'LATEST'
  /** Adds the scores up. */
  | 'SUM';

/** A period of the `points` board: one calendar month in the server time zone (APP_TIMEZONE). Its `id` is a global id; `periodId` is the `YYYY-MM` that `id` was before, and what `season` and `period` arguments take. */
export type Season = Node & {
  __typename?: 'Season';
  /** Exclusive: the start of the next season. */
  endsAt: Scalars['DateTime']['output'];
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** E.g. `November 2026`. */
  name: Scalars['String']['output'];
  /** When this board resets (the season ends), while the season is current. */
  nextResetAt?: Maybe<Scalars['DateTime']['output']>;
  /** The season id, `YYYY-MM`: what `season:` and `period:` arguments take. */
  periodId: Scalars['String']['output'];
  /** Local midnight on the 1st. */
  startsAt: Scalars['DateTime']['output'];
  /** Whether the season is live, closing or archived. */
  state: SeasonState;
};

/** A season that was just archived, and the season that is current now. */
export type SeasonRollover = {
  __typename?: 'SeasonRollover';
  /** Now ARCHIVED: its board is served from PostgreSQL. */
  archived: Season;
  /** The season current now. */
  current: Season;
};

/** CURRENT: its board is live. CLOSING: over, being archived (its board is still served). ARCHIVED: served from PostgreSQL. */
export type SeasonState =
  /** Archived: served from PostgreSQL. */
  | 'ARCHIVED'
  /** Over, being archived; its board is still served. */
  | 'CLOSING'
  /** Its board is live. */
  | 'CURRENT';

/** What today's sign-in earned. */
export type SignInResult = {
  __typename?: 'SignInResult';
  /** Points granted for it. */
  points: Scalars['Int']['output'];
  /** The points record written. */
  record: PointsRecord;
  /** Day of the unbroken sign-in streak, from 1. */
  streakDay: Scalars['Int']['output'];
};

/** A new account. */
export type SignUpInput = {
  /** The name shown to others, 1–64 characters. */
  displayName: Scalars['String']['input'];
  /** 3–32 characters: letters, digits, underscore. Case-insensitive. */
  handle: Scalars['String']['input'];
  /** The password, 8–128 characters. */
  password: Scalars['String']['input'];
};

/** A place on a board. Only users on the board have one (a points total of 0 is not on the points board). Its id names the board, period, rank mode and user, so a `myStanding` event updates the `viewer` a query showed. */
export type Standing = Node & {
  __typename?: 'Standing';
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** The share of the board at or above this rank, in percent: 3 means "top 3%". Null when unknown. */
  percentile?: Maybe<Scalars['Float']['output']>;
  /**
   * The score as an Int.
   * @deprecated Use `score`: scores may exceed the 32-bit range of Int.
   */
  points: Scalars['Int']['output'];
  /** From 1, in the rank mode asked (ORDINAL by default). */
  rank: Scalars['Int']['output'];
  /** The score. An integer within ±(2^53 − 1). */
  score: Scalars['SafeInt']['output'];
};

/** Standings of a set of users in one board period. */
export type Standings = {
  __typename?: 'Standings';
  /** The leaderboard key. */
  board: Scalars['String']['output'];
  /** The period read. */
  period: BoardPeriod;
  /**
   * The period as a season, on monthly boards.
   * @deprecated Use `period`.
   */
  season?: Maybe<Season>;
  /** True when Redis could not be read, or its board was still being rebuilt after Redis lost its data, and the board was computed from PostgreSQL instead: exact as of the last write, but live updates may lag. */
  stale: Scalars['Boolean']['output'];
  /** In the order asked; unknown users are left out. */
  standings: Array<UserStanding>;
};

/** What a submitted score did; for a repeated idempotency key, what the first submission did. */
export type SubmitScorePayload = {
  __typename?: 'SubmitScorePayload';
  /** True when it changed the standing: a first score, a better BEST, a different LATEST, a non-zero SUM. */
  applied: Scalars['Boolean']['output'];
  /** The board key. */
  board: Scalars['String']['output'];
  /** True when the idempotency key had been used: nothing changed. */
  duplicate: Scalars['Boolean']['output'];
  /** The period the score went to, e.g. `2026-W49` or `all`. */
  periodId: Scalars['String']['output'];
  /** The user's score in that period after this submission (for a duplicate: now). Rank: read `leaderboard(board:)`. */
  score?: Maybe<Scalars['SafeInt']['output']>;
  /** The score sent. */
  submitted: Scalars['SafeInt']['output'];
};

/** What can be watched live (graphql-ws or SSE). */
export type Subscription = {
  __typename?: 'Subscription';
  /** An activity each time its status, details or counts change (including cancellation). */
  activityChanged: Activity;
  /** Each time a period of the leaderboard `board` is archived (at its end, or when the board is archived). */
  boardRolledOver: BoardRollover;
  /** The hot list (all, or one category) each time the order or membership of its top `first` changes; nothing while it does not (a score that moves without changing the order is not sent). Fetch the current list with `hotActivities` first. */
  hotActivitiesChanged: HotActivities;
  /** The top `first` of a board period each time it changes (who is in it, their order or their scores); nothing while it does not. The period is fixed when subscribing (the current one when absent). Fetch the board with `leaderboard` first. */
  leaderboardChanged: Leaderboard;
  /** The viewer's rank and score on a board period each time they change, including when someone else overtakes them (null while they are not on the board). Requires a token. */
  myStanding?: Maybe<Standing>;
  /** Each new notification of the viewer. Events of a burst are coalesced (at most 4 a second, the newest wins), so re-read `notifications` or `unreadNotificationCount` when one arrives rather than counting events. Requires a token. */
  notificationAdded: Notification;
  /** Each time a season (a period of the `points` board) is archived: the archived season and the current one. */
  seasonRolledOver: SeasonRollover;
  /** A user's rank and score on a board period each time they change, including when others overtake them (null while not on it). */
  standingChanged?: Maybe<Standing>;
  /** A user's public profile, each time it changes. */
  userChanged: User;
};


/** What can be watched live (graphql-ws or SSE). */
export type SubscriptionActivityChangedArgs = {
  id: Scalars['ID']['input'];
};


/** What can be watched live (graphql-ws or SSE). */
export type SubscriptionBoardRolledOverArgs = {
  board: Scalars['String']['input'];
};


/** What can be watched live (graphql-ws or SSE). */
export type SubscriptionHotActivitiesChangedArgs = {
  category?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** What can be watched live (graphql-ws or SSE). */
export type SubscriptionLeaderboardChangedArgs = {
  board?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  period?: InputMaybe<Scalars['ID']['input']>;
  rankMode?: InputMaybe<RankMode>;
  season?: InputMaybe<Scalars['ID']['input']>;
};


/** What can be watched live (graphql-ws or SSE). */
export type SubscriptionMyStandingArgs = {
  board?: InputMaybe<Scalars['String']['input']>;
  period?: InputMaybe<Scalars['ID']['input']>;
  season?: InputMaybe<Scalars['ID']['input']>;
};


/** What can be watched live (graphql-ws or SSE). */
export type SubscriptionStandingChangedArgs = {
  board?: InputMaybe<Scalars['String']['input']>;
  period?: InputMaybe<Scalars['ID']['input']>;
  season?: InputMaybe<Scalars['ID']['input']>;
  userId: Scalars['ID']['input'];
};


/** What can be watched live (graphql-ws or SSE). */
export type SubscriptionUserChangedArgs = {
  id: Scalars['ID']['input'];
};

/** Today's points of one type, with its daily cap. */
export type TodayPoints = {
  __typename?: 'TodayPoints';
  /** Daily cap; null when uncapped. */
  cap?: Maybe<Scalars['Int']['output']>;
  /** Net points of this type today, reversals included. */
  points: Scalars['Int']['output'];
  /** What the cap still lets in today; reversals give no room back. */
  remaining?: Maybe<Scalars['Int']['output']>;
  /** The type. */
  type: PointsType;
};

/** Absent fields stay as they are. `capacity: null` makes the activity unlimited. */
export type UpdateActivityInput = {
  /** New number of seats (1–100000); null for unlimited. */
  capacity?: InputMaybe<Scalars['Int']['input']>;
  /** New category slug. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** New description, up to 5000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** New end time. */
  endsAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** The activity (an Activity id). */
  id: Scalars['ID']['input'];
  /** New sign-up closing time. */
  signupEndsAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** New sign-up opening time. */
  signupStartsAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** New start time. */
  startsAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** New title, 1–120 characters. */
  title?: InputMaybe<Scalars['String']['input']>;
  /** The version you last read; VERSION_CONFLICT if it changed since. */
  version: Scalars['Int']['input'];
};

/** New hot settings; every value is replaced. */
export type UpdateHotSettingsInput = {
  /** Switch algorithm; omitted keeps the current one. */
  algorithm?: InputMaybe<HeatAlgorithm>;
  /** Hacker News gravity, 0 to 5 (1.8 is Hacker News's own). */
  gravity: Scalars['Float']['input'];
  /** Points per unit of each behaviour. */
  weights: HeatWeightsInput;
  /** Age window in days, 0 to 3650; 0 or null = no window. */
  windowDays?: InputMaybe<Scalars['Int']['input']>;
};

/** New display texts of a leaderboard; omitted fields stay as they are. */
export type UpdateLeaderboardInput = {
  /** Up to 1000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The board to change. */
  key: Scalars['String']['input'];
  /** 1–100 characters. */
  title?: InputMaybe<Scalars['String']['input']>;
};

/** New profile values. */
export type UpdateProfileInput = {
  /** The new name shown to others, 1–64 characters. */
  displayName: Scalars['String']['input'];
};

/** A member of liveboard, as others see them. */
export type User = Node & {
  __typename?: 'User';
  /** When the user signed up. */
  createdAt: Scalars['DateTime']['output'];
  /** The name shown to others. */
  displayName: Scalars['String']['output'];
  /** Activities the user favorited, most recently favorited first. Only the user themself and admins; FORBIDDEN for others. */
  favorites?: Maybe<ActivityConnection>;
  /** The unique handle, 3–32 letters, digits or underscores. */
  handle: Scalars['String']['output'];
  /** Activities the user organizes, soonest start first; drafts only to the user themself and admins. */
  hostedActivities: ActivityConnection;
  /** A global id: opaque, stable, unique across types; what `node(id:)` takes. */
  id: Scalars['ID']['output'];
  /** The user's seats and waiting-line places, newest first, each with its activity; public like participant lists, except in drafts the caller may not see. */
  participations: ParticipationConnection;
  /** The user's points records (awards, reversals, adjustments, voids), newest first. Only the user themself and admins may read them (FORBIDDEN otherwise). */
  pointsRecords: PointsRecordConnection;
  /** USER or ADMIN. */
  role: Role;
};


/** A member of liveboard, as others see them. */
export type UserFavoritesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** A member of liveboard, as others see them. */
export type UserHostedActivitiesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** A member of liveboard, as others see them. */
export type UserParticipationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  checkedIn?: InputMaybe<Scalars['Boolean']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<ParticipationStatus>;
};


/** A member of liveboard, as others see them. */
export type UserPointsRecordsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  season?: InputMaybe<Scalars['ID']['input']>;
  type?: InputMaybe<PointsType>;
};

/** A page of users. */
export type UserConnection = {
  __typename?: 'UserConnection';
  /** The items of this page, each with its cursor. */
  edges: Array<UserEdge>;
  /** Where this page starts and ends. */
  pageInfo: PageInfo;
};

/** A user in a page, with its cursor. */
export type UserEdge = {
  __typename?: 'UserEdge';
  /** Pass as `after` (or `before`) to read the page after (or before) this edge. */
  cursor: Scalars['String']['output'];
  /** The item at the end of the edge. */
  node: User;
};

/** One user's standing in a `standings` read. */
export type UserStanding = {
  __typename?: 'UserStanding';
  /** The share of the board at or above the rank, in percent; null when not on it. */
  percentile?: Maybe<Scalars['Float']['output']>;
  /**
   * The score as an Int.
   * @deprecated Use `score`: scores may exceed the 32-bit range of Int.
   */
  points: Scalars['Int']['output'];
  /** Null when the user is not on the board. */
  rank?: Maybe<Scalars['Int']['output']>;
  /** 0 when not on the board. An integer within ±(2^53 − 1). */
  score: Scalars['SafeInt']['output'];
  /** The user. */
  user: User;
};

/** A user's suspension: while suspended, every award of points to them is refused (FORBIDDEN). */
export type UserSuspension = {
  __typename?: 'UserSuspension';
  /** The admin's reason; null when not suspended. */
  reason?: Maybe<Scalars['String']['output']>;
  /** True while suspended. */
  suspended: Scalars['Boolean']['output'];
  /** When the suspension began; null when not suspended. */
  suspendedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The user. */
  user: User;
};

export type BoardEntryFragment = { id: string, rank: number, score: number, user: { id: string, displayName: string } };

export type BoardPageFragment = { id: string, board: string, totalParticipants: number, period: { id: string, startsAt: string, endsAt: string | null }, entries: Array<{ id: string, rank: number, score: number, user: { id: string, displayName: string } }> };

export type TopOfBoardQueryVariables = Exact<{
  board: string;
  first: number;
}>;


export type TopOfBoardQuery = { leaderboard: { id: string, board: string, totalParticipants: number, period: { id: string, startsAt: string, endsAt: string | null }, entries: Array<{ id: string, rank: number, score: number, user: { id: string, displayName: string } }> } };

export type TopOfBoardChangedSubscriptionVariables = Exact<{
  board: string;
  first: number;
}>;


export type TopOfBoardChangedSubscription = { leaderboardChanged: { id: string, board: string, totalParticipants: number, period: { id: string, startsAt: string, endsAt: string | null }, entries: Array<{ id: string, rank: number, score: number, user: { id: string, displayName: string } }> } };

export type MyPointsTodayQueryVariables = Exact<{ [key: string]: never; }>;


export type MyPointsTodayQuery = { myPoints: { date: string, score: number, rank: number | null } };

export const BoardEntryFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BoardEntry"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LeaderboardEntry"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]} as unknown as DocumentNode<BoardEntryFragment, unknown>;
export const BoardPageFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BoardPage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Leaderboard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"board"}},{"kind":"Field","name":{"kind":"Name","value":"period"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalParticipants"}},{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BoardEntry"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BoardEntry"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LeaderboardEntry"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]} as unknown as DocumentNode<BoardPageFragment, unknown>;
export const TopOfBoardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TopOfBoard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"board"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"leaderboard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"board"},"value":{"kind":"Variable","name":{"kind":"Name","value":"board"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BoardPage"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BoardEntry"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LeaderboardEntry"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BoardPage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Leaderboard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"board"}},{"kind":"Field","name":{"kind":"Name","value":"period"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalParticipants"}},{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BoardEntry"}}]}}]}}]} as unknown as DocumentNode<TopOfBoardQuery, TopOfBoardQueryVariables>;
export const TopOfBoardChangedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"TopOfBoardChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"board"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"leaderboardChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"board"},"value":{"kind":"Variable","name":{"kind":"Name","value":"board"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BoardPage"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BoardEntry"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LeaderboardEntry"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"BoardPage"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Leaderboard"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"board"}},{"kind":"Field","name":{"kind":"Name","value":"period"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"endsAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalParticipants"}},{"kind":"Field","name":{"kind":"Name","value":"entries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"BoardEntry"}}]}}]}}]} as unknown as DocumentNode<TopOfBoardChangedSubscription, TopOfBoardChangedSubscriptionVariables>;
export const MyPointsTodayDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyPointsToday"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"myPoints"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"rank"}}]}}]}}]} as unknown as DocumentNode<MyPointsTodayQuery, MyPointsTodayQueryVariables>;