-- A run stopped by an admin (cancelJob): it stopped at a checkpoint and is not retried.
ALTER TYPE "JobRunState" ADD VALUE 'CANCELLED';

-- Schedules are data: null keeps the schedule the code declares.
ALTER TABLE "job_schedules"
    ADD COLUMN "pattern" VARCHAR(128),
    ADD COLUMN "every_ms" INTEGER,
    ADD COLUMN "time_zone" VARCHAR(64),
    ADD COLUMN "updated_by" INTEGER,
    ADD COLUMN "schedule_updated_at" TIMESTAMPTZ(3),
    ADD CONSTRAINT "job_schedules_pattern_or_every_check" CHECK ("pattern" IS NULL OR "every_ms" IS NULL),
    ADD CONSTRAINT "job_schedules_every_ms_check" CHECK ("every_ms" IS NULL OR "every_ms" > 0);
