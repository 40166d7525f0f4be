-- Rebuilds points_records as a table partitioned by LIST on season_id (one
-- partition per season, points_records_YYYY_MM, plus a DEFAULT partition so an
-- award never fails for lack of one), so an old month can be detached without
-- rewriting anything. The rows keep their ids; the id sequence carries on.
--
-- A unique index of a partitioned table must contain the partition key, so the
-- idempotency key cannot stay unique on points_records itself: it moves to
-- points_idempotency_keys, which the award statement writes together with the
-- record (a used key fails that insert, undoing the whole statement). It has
-- no foreign key to points_records: one into a partitioned table would stop
-- old partitions from being detached.

-- Free the names the new table takes over.
ALTER TABLE "points_records" RENAME TO "points_records_unpartitioned";
ALTER TABLE "points_records_unpartitioned" RENAME CONSTRAINT "points_records_pkey" TO "points_records_unpartitioned_pkey";
ALTER TABLE "points_records_unpartitioned" RENAME CONSTRAINT "points_records_user_id_fkey" TO "points_records_unpartitioned_user_id_fkey";
ALTER INDEX "points_records_idempotency_key_key" RENAME TO "points_records_unpartitioned_idempotency_key_key";
ALTER INDEX "points_records_user_id_day_idx" RENAME TO "points_records_unpartitioned_user_id_day_idx";
ALTER INDEX "points_records_season_id_user_id_idx" RENAME TO "points_records_unpartitioned_season_id_user_id_idx";

-- CreateTable
CREATE TABLE "points_records" (
    "id" BIGINT NOT NULL DEFAULT nextval('points_records_id_seq'),
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

    CONSTRAINT "points_records_pkey" PRIMARY KEY ("id","season_id")
) PARTITION BY LIST ("season_id");

-- The sequence must outlive the old table it belonged to.
ALTER SEQUENCE "points_records_id_seq" OWNED BY "points_records"."id";

-- CreateIndex
CREATE INDEX "points_records_user_id_day_idx" ON "points_records"("user_id", "day");

-- CreateIndex
CREATE INDEX "points_records_season_id_user_id_idx" ON "points_records"("season_id", "user_id");

-- AddForeignKey
ALTER TABLE "points_records" ADD CONSTRAINT "points_records_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Rows of a season without its own partition land here; creating that
-- season's partition later moves them (src/modules/points/points-partitions.ts).
CREATE TABLE "points_records_default" PARTITION OF "points_records" DEFAULT;

-- A partition for every season that already has records. The identifier is
-- built only from ids that are exactly YYYY-MM; anything else stays in DEFAULT.
DO $$
DECLARE
  season text;
BEGIN
  FOR season IN
    SELECT DISTINCT season_id FROM "points_records_unpartitioned" WHERE season_id ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "points_records" FOR VALUES IN (%L)',
                   'points_records_' || replace(season, '-', '_'), season);
  END LOOP;
END
$$;

INSERT INTO "points_records" ("id", "user_id", "type", "requested", "points", "seq", "idempotency_key", "season_id", "day",
                              "occurred_at", "reason", "activity_id", "participation_id", "created_at")
SELECT "id", "user_id", "type", "requested", "points", "seq", "idempotency_key", "season_id", "day",
       "occurred_at", "reason", "activity_id", "participation_id", "created_at"
FROM "points_records_unpartitioned";

-- CreateTable
CREATE TABLE "points_idempotency_keys" (
    "idempotency_key" VARCHAR(200) NOT NULL,
    "record_id" BIGINT NOT NULL,
    "season_id" VARCHAR(7) NOT NULL,

    CONSTRAINT "points_idempotency_keys_pkey" PRIMARY KEY ("idempotency_key")
);

INSERT INTO "points_idempotency_keys" ("idempotency_key", "record_id", "season_id")
SELECT "idempotency_key", "id", "season_id" FROM "points_records_unpartitioned";

DROP TABLE "points_records_unpartitioned";
