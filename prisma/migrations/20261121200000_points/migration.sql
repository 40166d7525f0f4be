-- CreateEnum
CREATE TYPE "PointsType" AS ENUM ('DAILY_SIGN_IN', 'JOIN_ACTIVITY', 'CHECK_IN', 'HOST_ACTIVITY', 'ADMIN_ADJUST');

-- CreateEnum
CREATE TYPE "SeasonState" AS ENUM ('CURRENT', 'CLOSING', 'ARCHIVED');

-- CreateTable
CREATE TABLE "seasons" (
    "id" VARCHAR(7) NOT NULL,
    "name" VARCHAR(32) NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "state" "SeasonState" NOT NULL DEFAULT 'CURRENT',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "seasons_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "points_records" (
    "id" BIGSERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "type" "PointsType" NOT NULL,
    "requested" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "seq" BIGINT,
    "idempotency_key" VARCHAR(200) NOT NULL,
    "season_id" VARCHAR(7) NOT NULL,
    "day" DATE NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" VARCHAR(500),
    "activity_id" INTEGER,
    "participation_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "points_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "daily_points" (
    "user_id" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "type" "PointsType" NOT NULL,
    "points" INTEGER NOT NULL,
    "last_granted" INTEGER NOT NULL,

    CONSTRAINT "daily_points_pkey" PRIMARY KEY ("user_id","day","type")
);

-- CreateTable
CREATE TABLE "season_standings" (
    "season_id" VARCHAR(7) NOT NULL,
    "user_id" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "seq" BIGINT NOT NULL,
    "version" INTEGER NOT NULL,
    "synced_version" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "season_standings_pkey" PRIMARY KEY ("season_id","user_id")
);

-- CreateTable
CREATE TABLE "sign_in_streaks" (
    "user_id" INTEGER NOT NULL,
    "last_day" DATE NOT NULL,
    "streak_day" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sign_in_streaks_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "points_records_idempotency_key_key" ON "points_records"("idempotency_key");

-- CreateIndex
CREATE INDEX "points_records_user_id_day_idx" ON "points_records"("user_id", "day");

-- CreateIndex
CREATE INDEX "points_records_season_id_user_id_idx" ON "points_records"("season_id", "user_id");

-- CreateIndex
CREATE INDEX "season_standings_season_id_points_seq_idx" ON "season_standings"("season_id", "points" DESC, "seq");

-- AddForeignKey
ALTER TABLE "points_records" ADD CONSTRAINT "points_records_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "daily_points" ADD CONSTRAINT "daily_points_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "season_standings" ADD CONSTRAINT "season_standings_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sign_in_streaks" ADD CONSTRAINT "sign_in_streaks_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Not modelled by Prisma: the award sequence that orders equal season totals
-- (who reached the total first). Taken while the standing row is locked, so per
-- user it grows in commit order. Capped at 2^32 - 1 because the board score keeps
-- it in 32 bits (board-score.ts): running out fails loudly instead of mis-ranking.
CREATE SEQUENCE "board_seq" AS BIGINT MINVALUE 1 MAXVALUE 4294967295 NO CYCLE;
