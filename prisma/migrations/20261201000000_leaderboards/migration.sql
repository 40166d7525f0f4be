-- Many leaderboards. A leaderboard is a definition (period, scope, source,
-- operator, order); a board period is one period of one board, named by its
-- ref '<board key>/<period id>' (e.g. 'points/2026-11', 'weekly-checkins/2026-W49').
-- The monthly points season becomes the built-in board 'points': its seasons,
-- standings and archive move into the general tables with the ref 'points/<season>'.

CREATE TYPE "LeaderboardPeriod" AS ENUM ('DAILY', 'WEEKLY', 'MONTHLY', 'ALL_TIME');
CREATE TYPE "LeaderboardScope" AS ENUM ('GLOBAL', 'CATEGORY', 'ACTIVITY');
CREATE TYPE "LeaderboardSource" AS ENUM ('POINTS', 'SUBMITTED');
CREATE TYPE "ScoreOperator" AS ENUM ('BEST', 'LATEST', 'SUM');
CREATE TYPE "BoardOrder" AS ENUM ('DESC', 'ASC');
CREATE TYPE "LeaderboardState" AS ENUM ('ACTIVE', 'ARCHIVED');
ALTER TYPE "SeasonState" RENAME TO "PeriodState";

CREATE TABLE "leaderboards" (
    "id" SERIAL NOT NULL,
    "key" VARCHAR(40) NOT NULL,
    "title" VARCHAR(100) NOT NULL,
    "description" VARCHAR(1000) NOT NULL DEFAULT '',
    "period" "LeaderboardPeriod" NOT NULL,
    "scope" "LeaderboardScope" NOT NULL DEFAULT 'GLOBAL',
    "category" VARCHAR(32),
    "activity_id" INTEGER,
    "source" "LeaderboardSource" NOT NULL,
    "point_types" "PointsType"[] NOT NULL DEFAULT ARRAY[]::"PointsType"[],
    "operator" "ScoreOperator" NOT NULL DEFAULT 'SUM',
    "sort_order" "BoardOrder" NOT NULL DEFAULT 'DESC',
    "state" "LeaderboardState" NOT NULL DEFAULT 'ACTIVE',
    "created_by" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),

    CONSTRAINT "leaderboards_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "leaderboards_scope_target" CHECK (("scope" = 'CATEGORY') = ("category" IS NOT NULL) AND ("scope" = 'ACTIVITY') = ("activity_id" IS NOT NULL))
);
CREATE UNIQUE INDEX "leaderboards_key_key" ON "leaderboards"("key");
CREATE INDEX "leaderboards_source_state_idx" ON "leaderboards"("source", "state");
CREATE INDEX "leaderboards_activity_id_idx" ON "leaderboards"("activity_id");
ALTER TABLE "leaderboards" ADD CONSTRAINT "leaderboards_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "leaderboards" ADD CONSTRAINT "leaderboards_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The built-in board: id 1, never archived.
INSERT INTO "leaderboards" ("key", "title", "description", "period", "scope", "source", "operator", "sort_order")
VALUES ('points', 'Points', 'Every point earned, per calendar month: the points season.', 'MONTHLY', 'GLOBAL', 'POINTS', 'SUM', 'DESC');

CREATE TABLE "board_periods" (
    "ref" VARCHAR(52) NOT NULL,
    "board_id" INTEGER NOT NULL,
    "period_id" VARCHAR(10) NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3),
    "state" "PeriodState" NOT NULL DEFAULT 'CURRENT',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "board_periods_pkey" PRIMARY KEY ("ref")
);
CREATE UNIQUE INDEX "board_periods_board_id_period_id_key" ON "board_periods"("board_id", "period_id");
CREATE INDEX "board_periods_state_ends_at_idx" ON "board_periods"("state", "ends_at");
ALTER TABLE "board_periods" ADD CONSTRAINT "board_periods_board_id_fkey" FOREIGN KEY ("board_id") REFERENCES "leaderboards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
INSERT INTO "board_periods" ("ref", "board_id", "period_id", "starts_at", "ends_at", "state", "created_at")
SELECT 'points/' || "id", 1, "id", "starts_at", "ends_at", "state", "created_at" FROM "seasons";
DROP TABLE "seasons";

CREATE TABLE "board_standings" (
    "period_ref" VARCHAR(52) NOT NULL,
    "user_id" INTEGER NOT NULL,
    "score" BIGINT NOT NULL,
    "ranked" BOOLEAN NOT NULL,
    "seq" BIGINT NOT NULL,
    "version" INTEGER NOT NULL,
    "synced_version" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "board_standings_pkey" PRIMARY KEY ("period_ref","user_id")
);
CREATE INDEX "board_standings_period_ref_score_seq_idx" ON "board_standings"("period_ref", "score" DESC, "seq");
-- Standings not yet confirmed on their Redis board: what leaderboard.sync reads.
CREATE INDEX "board_standings_pending_idx" ON "board_standings"("period_ref", "user_id") WHERE "version" > "synced_version";
ALTER TABLE "board_standings" ADD CONSTRAINT "board_standings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
INSERT INTO "board_standings" ("period_ref", "user_id", "score", "ranked", "seq", "version", "synced_version", "updated_at")
SELECT 'points/' || "season_id", "user_id", "points", "points" <> 0, "seq", "version", "synced_version", "updated_at" FROM "season_standings";
DROP TABLE "season_standings";

-- Final boards of closed periods. Partitioned by LIST on the month the period
-- began ('YYYY-MM', board_archive_YYYY_MM): one partition a month for every
-- board and period kind, so dropping old history is a DROP of a partition, and
-- daily boards do not make a partition a day.
CREATE TABLE "board_archive" (
    "month" VARCHAR(7) NOT NULL,
    "period_ref" VARCHAR(52) NOT NULL,
    "rank" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "score" BIGINT NOT NULL,
    "seq" BIGINT NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "board_archive_pkey" PRIMARY KEY ("month","period_ref","rank")
) PARTITION BY LIST ("month");
CREATE UNIQUE INDEX "board_archive_month_period_ref_user_id_key" ON "board_archive"("month", "period_ref", "user_id");
DO $$
DECLARE season text;
BEGIN
  FOR season IN SELECT DISTINCT "season_id" FROM "season_archive" LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "board_archive" FOR VALUES IN (%L)', 'board_archive_' || replace(season, '-', '_'), season);
  END LOOP;
END $$;
INSERT INTO "board_archive" ("month", "period_ref", "rank", "user_id", "score", "seq", "archived_at")
SELECT "season_id", 'points/' || "season_id", "rank", "user_id", "points", "seq", "archived_at" FROM "season_archive";
DROP TABLE "season_archive";

-- Scores sent to SUBMITTED boards: the record of every submission, and what
-- makes an idempotency key count once per board.
CREATE TABLE "score_submissions" (
    "id" BIGSERIAL NOT NULL,
    "board_id" INTEGER NOT NULL,
    "period_ref" VARCHAR(52) NOT NULL,
    "user_id" INTEGER NOT NULL,
    "score" BIGINT NOT NULL,
    "idempotency_key" VARCHAR(200) NOT NULL,
    "applied" BOOLEAN NOT NULL,
    "submitted_by" INTEGER,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "score_submissions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "score_submissions_board_id_idempotency_key_key" ON "score_submissions"("board_id", "idempotency_key");
CREATE INDEX "score_submissions_period_ref_user_id_idx" ON "score_submissions"("period_ref", "user_id");
ALTER TABLE "score_submissions" ADD CONSTRAINT "score_submissions_board_id_fkey" FOREIGN KEY ("board_id") REFERENCES "leaderboards"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "score_submissions" ADD CONSTRAINT "score_submissions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "score_submissions" ADD CONSTRAINT "score_submissions_submitted_by_fkey" FOREIGN KEY ("submitted_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The tie-order counter no longer lives in 32 bits of a Redis score (the
-- board member carries it, see board-entry.ts): it may use all of BIGINT.
ALTER SEQUENCE "board_seq" MAXVALUE 9223372036854775807;
