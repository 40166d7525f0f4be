-- Waitlists for full activities (docs/product.md, "Waitlists"). A waitlisted
-- user has a participations row with status WAITLISTED; existing rows are all
-- seats, hence the default. The queue is read in (waitlisted_at, id) order per
-- activity, which the new index serves.

CREATE TYPE "ParticipationStatus" AS ENUM ('JOINED', 'WAITLISTED');

ALTER TABLE "participations"
    ADD COLUMN "status" "ParticipationStatus" NOT NULL DEFAULT 'JOINED',
    ADD COLUMN "waitlisted_at" TIMESTAMPTZ(3);

CREATE INDEX "participations_activity_id_status_waitlisted_at_id_idx"
    ON "participations"("activity_id", "status", "waitlisted_at", "id");

ALTER TABLE "activities"
    ADD COLUMN "waitlist_count" INTEGER NOT NULL DEFAULT 0,
    -- The last guard against overbooking: whatever a future code path does, no
    -- transaction can commit more participants than seats.
    ADD CONSTRAINT "activities_participants_within_capacity_check" CHECK ("capacity" IS NULL OR "participant_count" <= "capacity"),
    ADD CONSTRAINT "activities_waitlist_count_check" CHECK ("waitlist_count" >= 0);
