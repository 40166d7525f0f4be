-- The final boards of archived seasons, written by the season rollover.
-- Partitioned by LIST on the season id: the rollover creates one partition per
-- season (season_archive_YYYY_MM) before copying its board, so a season's
-- history can be detached or dropped as a unit. No DEFAULT partition: a row for
-- a season whose partition was not created is a bug and must fail.
-- No foreign key to users: the archive is a snapshot of a board, and checking
-- every copied row against users would double the cost of the copy.

-- CreateTable
CREATE TABLE "season_archive" (
    "season_id" VARCHAR(7) NOT NULL,
    "rank" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "points" INTEGER NOT NULL,
    "seq" BIGINT NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "season_archive_pkey" PRIMARY KEY ("season_id","rank")
) PARTITION BY LIST ("season_id");

-- CreateIndex
CREATE UNIQUE INDEX "season_archive_season_id_user_id_key" ON "season_archive"("season_id", "user_id");
