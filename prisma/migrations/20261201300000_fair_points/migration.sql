-- Fair points (docs/points-rules.md).
-- A suspended user gets no awards: every positive award checks suspended_at
-- inside the award statement.
ALTER TABLE "users" ADD COLUMN "suspended_at" TIMESTAMPTZ(3),
                    ADD COLUMN "suspended_reason" VARCHAR(500);

-- The admin behind an adjustment or a void; null for automatic awards.
ALTER TABLE "points_records" ADD COLUMN "created_by" INTEGER;
ALTER TABLE "points_records" ADD CONSTRAINT "points_records_created_by_fkey"
  FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A user's history, newest first (pointsRecords), and an activity's awards.
CREATE INDEX "points_records_user_id_id_idx" ON "points_records"("user_id", "id");
CREATE INDEX "points_records_activity_id_idx" ON "points_records"("activity_id");
