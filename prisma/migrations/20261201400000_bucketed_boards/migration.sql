-- Bucketed boards (docs/scaling.md): a board may split each period's Redis
-- board into score buckets. The layout is fixed when the board is created.
ALTER TABLE "leaderboards" ADD COLUMN "bucket_bounds" BIGINT[] NOT NULL DEFAULT ARRAY[]::BIGINT[],
                           ADD COLUMN "user_shards" INTEGER;

-- Bounds and shards come together: a bucketed board has both, another neither.
ALTER TABLE "leaderboards" ADD CONSTRAINT "leaderboards_bucket_layout_check"
  CHECK ((cardinality("bucket_bounds") = 0) = ("user_shards" IS NULL));
