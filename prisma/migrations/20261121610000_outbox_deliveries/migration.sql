-- CreateEnum
CREATE TYPE "OutboxDeliveryState" AS ENUM ('PENDING', 'DELIVERED', 'DEAD');

-- CreateTable
CREATE TABLE "outbox_deliveries" (
    "event_id" BIGINT NOT NULL,
    "consumer" VARCHAR(128) NOT NULL,
    "state" "OutboxDeliveryState" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_deliveries_pkey" PRIMARY KEY ("event_id", "consumer")
);

-- CreateIndex
CREATE INDEX "outbox_deliveries_state_next_attempt_at_idx" ON "outbox_deliveries"("state", "next_attempt_at");

-- AddForeignKey
ALTER TABLE "outbox_deliveries" ADD CONSTRAINT "outbox_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "outbox_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;
