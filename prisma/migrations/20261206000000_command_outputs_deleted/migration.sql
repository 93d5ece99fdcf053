-- AlterTable
ALTER TABLE "commands" ADD COLUMN "outputs_deleted_at" TIMESTAMPTZ(3);
