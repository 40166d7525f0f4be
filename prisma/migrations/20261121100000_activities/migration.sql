-- CreateEnum
CREATE TYPE "ActivityStatus" AS ENUM ('DRAFT', 'UPCOMING', 'SIGNUP_OPEN', 'FULL', 'SIGNUP_CLOSED', 'ONGOING', 'ENDED', 'CANCELLED');

-- CreateTable
CREATE TABLE "activities" (
    "id" SERIAL NOT NULL,
    "title" VARCHAR(120) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "category" VARCHAR(32) NOT NULL,
    "organizer_id" INTEGER NOT NULL,
    "capacity" INTEGER,
    "signup_starts_at" TIMESTAMPTZ(3) NOT NULL,
    "signup_ends_at" TIMESTAMPTZ(3) NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "ActivityStatus" NOT NULL DEFAULT 'DRAFT',
    "participant_count" INTEGER NOT NULL DEFAULT 0,
    "favorite_count" INTEGER NOT NULL DEFAULT 0,
    "view_count" INTEGER NOT NULL DEFAULT 0,
    "check_in_count" INTEGER NOT NULL DEFAULT 0,
    "published_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "cancel_reason" VARCHAR(500),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "activities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "participations" (
    "id" SERIAL NOT NULL,
    "activity_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checked_in_at" TIMESTAMPTZ(3),

    CONSTRAINT "participations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "favorites" (
    "id" SERIAL NOT NULL,
    "activity_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "favorites_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_views" (
    "id" BIGSERIAL NOT NULL,
    "activity_id" INTEGER NOT NULL,
    "viewer_key" VARCHAR(80) NOT NULL,
    "day" DATE NOT NULL,
    "viewed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "activity_views_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "activity_status_changes" (
    "id" SERIAL NOT NULL,
    "activity_id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "from_status" "ActivityStatus" NOT NULL,
    "to_status" "ActivityStatus" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "activity_status_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "activities_status_starts_at_idx" ON "activities"("status", "starts_at");

-- CreateIndex
CREATE INDEX "activities_starts_at_idx" ON "activities"("starts_at");

-- CreateIndex
CREATE INDEX "activities_category_starts_at_idx" ON "activities"("category", "starts_at");

-- CreateIndex
CREATE INDEX "activities_organizer_id_idx" ON "activities"("organizer_id");

-- CreateIndex
CREATE UNIQUE INDEX "participations_activity_id_user_id_key" ON "participations"("activity_id", "user_id");

-- CreateIndex
CREATE INDEX "participations_user_id_idx" ON "participations"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "favorites_activity_id_user_id_key" ON "favorites"("activity_id", "user_id");

-- CreateIndex
CREATE INDEX "favorites_user_id_idx" ON "favorites"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "activity_views_activity_id_viewer_key_day_key" ON "activity_views"("activity_id", "viewer_key", "day");

-- CreateIndex
CREATE UNIQUE INDEX "activity_status_changes_activity_id_version_key" ON "activity_status_changes"("activity_id", "version");

-- AddForeignKey
ALTER TABLE "activities" ADD CONSTRAINT "activities_organizer_id_fkey" FOREIGN KEY ("organizer_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "participations" ADD CONSTRAINT "participations_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "participations" ADD CONSTRAINT "participations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "favorites" ADD CONSTRAINT "favorites_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "favorites" ADD CONSTRAINT "favorites_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_views" ADD CONSTRAINT "activity_views_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "activity_status_changes" ADD CONSTRAINT "activity_status_changes_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
