-- A per-user notifications inbox. Fan-outs insert with ON CONFLICT (user_id,
-- dedupe_key) DO NOTHING, so a retried fan-out never writes a notification twice.

CREATE TYPE "NotificationKind" AS ENUM ('ACTIVITY_CANCELLED', 'ACTIVITY_RESCHEDULED', 'WAITLIST_PROMOTED', 'ACTIVITY_FULL', 'SEASON_ENDED');

CREATE TABLE "notifications" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "dedupe_key" VARCHAR(120) NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "body" VARCHAR(1000) NOT NULL,
    "activity_id" INTEGER,
    "reason" VARCHAR(500),
    "period_ref" VARCHAR(52),
    "rank" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "read_at" TIMESTAMPTZ(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "notifications_user_id_dedupe_key_key" ON "notifications"("user_id", "dedupe_key");
-- The inbox, newest first, and the unread count / unreadOnly pages (partial: read rows are most rows).
CREATE INDEX "notifications_user_id_id_idx" ON "notifications"("user_id", "id" DESC);
CREATE INDEX "notifications_unread_idx" ON "notifications"("user_id", "id") WHERE "read_at" IS NULL;
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Fan-outs that ran to the end (e.g. 'season:points/2026-11'): the season sweep skips them.
CREATE TABLE "notification_fanouts" (
    "key" VARCHAR(120) NOT NULL,
    "completed_at" TIMESTAMPTZ(3) NOT NULL,
    "recipients" INTEGER NOT NULL,

    CONSTRAINT "notification_fanouts_pkey" PRIMARY KEY ("key")
);
