-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "workflow_started_at" TIMESTAMPTZ(3);

-- Submissions past pending were started; pending ones are left to the reconciler, which
-- recognises a workflow that is already running.
UPDATE "submissions" SET "workflow_started_at" = "created_at" WHERE "status" <> 'pending';
