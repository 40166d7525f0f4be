-- CreateTable
CREATE TABLE "hot_snapshots" (
    "id" SERIAL NOT NULL,
    "day" DATE NOT NULL,
    "category" VARCHAR(32) NOT NULL DEFAULT '',
    "algorithm" VARCHAR(16) NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hot_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hot_snapshot_entries" (
    "snapshot_id" INTEGER NOT NULL,
    "rank" INTEGER NOT NULL,
    "activity_id" INTEGER NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "hot_snapshot_entries_pkey" PRIMARY KEY ("snapshot_id","rank")
);

-- CreateIndex
CREATE UNIQUE INDEX "hot_snapshots_day_category_key" ON "hot_snapshots"("day", "category");

-- CreateIndex
CREATE INDEX "hot_snapshot_entries_activity_id_idx" ON "hot_snapshot_entries"("activity_id");

-- AddForeignKey
ALTER TABLE "hot_snapshot_entries" ADD CONSTRAINT "hot_snapshot_entries_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "hot_snapshots"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hot_snapshot_entries" ADD CONSTRAINT "hot_snapshot_entries_activity_id_fkey" FOREIGN KEY ("activity_id") REFERENCES "activities"("id") ON DELETE CASCADE ON UPDATE CASCADE;
