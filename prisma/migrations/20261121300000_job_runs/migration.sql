-- CreateEnum
CREATE TYPE "JobTrigger" AS ENUM ('SCHEDULE', 'MANUAL', 'EVENT');

-- CreateEnum
CREATE TYPE "JobRunState" AS ENUM ('RUNNING', 'COMPLETED', 'RETRYING', 'FAILED', 'STALLED');

-- CreateTable
CREATE TABLE "job_runs" (
    "id" BIGSERIAL NOT NULL,
    "queue" VARCHAR(64) NOT NULL,
    "job_id" VARCHAR(255) NOT NULL,
    "name" VARCHAR(128) NOT NULL,
    "attempt" INTEGER NOT NULL,
    "max_attempts" INTEGER NOT NULL,
    "trigger" "JobTrigger" NOT NULL,
    "state" "JobRunState" NOT NULL,
    "worker" VARCHAR(255),
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,
    "error" TEXT,

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_schedules" (
    "name" VARCHAR(128) NOT NULL,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "paused_at" TIMESTAMPTZ(3),
    "changed_by" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "job_schedules_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "job_runs_name_started_at_idx" ON "job_runs"("name", "started_at" DESC);

-- CreateIndex
CREATE INDEX "job_runs_started_at_idx" ON "job_runs"("started_at");

-- CreateIndex
CREATE UNIQUE INDEX "job_runs_queue_job_id_attempt_key" ON "job_runs"("queue", "job_id", "attempt");
