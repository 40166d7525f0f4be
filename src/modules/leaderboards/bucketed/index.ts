export { checkLayout, evenBounds, bucketOf, bucketCount, MAX_BUCKETS, MAX_USER_SHARDS, type BucketLayout } from './bucket-layout.js';
export { writeBucketedStanding, writeBucketedStandings, type BucketWriteDeps } from './bucket-write.js';
export { bucketedBoard } from './bucketed-board.js';
export { BucketBoardBrokenError, BucketBoardInconsistentError, BucketMovesStuckError, READ_ATTEMPTS, STUCK_MOVE_MS } from './bucket-read.js';
export { loadBucketedBoard, deleteBucketedBoard, type LoadedStanding } from './bucket-load.js';
export { allBucketedKeys, bucketKeys } from './bucket-keys.js';
export { rebuildBucketedBoard } from './bucket-heal.js';
export { frozenBucketedRange, frozenBucketedSize } from './bucket-frozen.js';
