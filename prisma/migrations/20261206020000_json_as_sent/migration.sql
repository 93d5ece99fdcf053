-- JSON the service shows back (a command's request and metadata, a preset's outputs, an idempotent
-- answer) keeps its text as written: jsonb would reorder object keys.
ALTER TABLE "commands" ALTER COLUMN "original_request" SET DATA TYPE JSON,
                       ALTER COLUMN "metadata" SET DATA TYPE JSON;
ALTER TABLE "presets" ALTER COLUMN "output_file_definitions" SET DATA TYPE JSON,
                      ALTER COLUMN "metadata" SET DATA TYPE JSON;
ALTER TABLE "idempotency_records" ALTER COLUMN "response_body" SET DATA TYPE JSON;
