-- CreateTable
CREATE TABLE "hot_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "algorithm" VARCHAR(16) NOT NULL,
    "gravity" DOUBLE PRECISION NOT NULL,
    "window_days" INTEGER,
    "weight_join" DOUBLE PRECISION NOT NULL,
    "weight_favorite" DOUBLE PRECISION NOT NULL,
    "weight_view" DOUBLE PRECISION NOT NULL,
    "weight_check_in" DOUBLE PRECISION NOT NULL,
    "updated_by" INTEGER,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hot_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hot_settings_changes" (
    "id" SERIAL NOT NULL,
    "algorithm" VARCHAR(16) NOT NULL,
    "gravity" DOUBLE PRECISION NOT NULL,
    "window_days" INTEGER,
    "weight_join" DOUBLE PRECISION NOT NULL,
    "weight_favorite" DOUBLE PRECISION NOT NULL,
    "weight_view" DOUBLE PRECISION NOT NULL,
    "weight_check_in" DOUBLE PRECISION NOT NULL,
    "changed_by" INTEGER,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hot_settings_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "hot_settings_changes_changed_at_idx" ON "hot_settings_changes"("changed_at" DESC);
