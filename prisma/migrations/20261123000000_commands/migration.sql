-- CreateEnum
CREATE TYPE "command_status" AS ENUM ('QUEUED', 'PROCESSING', 'SUCCESS', 'FAILED');

-- CreateEnum
CREATE TYPE "command_type" AS ENUM ('FFMPEG_COMMAND', 'CHAINED_COMMAND', 'MULTIPLE_COMMAND');

-- AlterTable
ALTER TABLE "files" ADD COLUMN "command_id" UUID,
ADD COLUMN "output_alias" TEXT;

-- CreateTable
CREATE TABLE "commands" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "status" "command_status" NOT NULL DEFAULT 'QUEUED',
    "command_type" "command_type" NOT NULL,
    "original_request" JSONB NOT NULL,
    "metadata" JSONB,
    "webhook_url" TEXT,
    "max_run_seconds" INTEGER NOT NULL,
    "progress" DOUBLE PRECISION,
    "error_status" TEXT,
    "error_message" TEXT,
    "ffmpeg_run_seconds" DOUBLE PRECISION,
    "total_processing_seconds" DOUBLE PRECISION,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "commands_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_configs" (
    "account_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "secret" TEXT,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "disabled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_configs_pkey" PRIMARY KEY ("account_id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "command_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "http_status" INTEGER,
    "ok" BOOLEAN NOT NULL,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "presets" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "command_type" "command_type" NOT NULL,
    "ffmpeg_command" TEXT,
    "ffmpeg_commands" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "input_file_keys" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "output_file_definitions" JSONB NOT NULL,
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "presets_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "files_command_id_idx" ON "files"("command_id");

-- CreateIndex
CREATE INDEX "commands_account_id_created_at_idx" ON "commands"("account_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "commands_account_id_status_created_at_idx" ON "commands"("account_id", "status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "webhook_deliveries_command_id_idx" ON "webhook_deliveries"("command_id");

-- CreateIndex
CREATE INDEX "presets_account_id_created_at_idx" ON "presets"("account_id", "created_at" DESC);

-- AddForeignKey
ALTER TABLE "files" ADD CONSTRAINT "files_command_id_fkey" FOREIGN KEY ("command_id") REFERENCES "commands"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commands" ADD CONSTRAINT "commands_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_configs" ADD CONSTRAINT "webhook_configs_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_command_id_fkey" FOREIGN KEY ("command_id") REFERENCES "commands"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "presets" ADD CONSTRAINT "presets_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
