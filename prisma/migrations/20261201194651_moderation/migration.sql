-- CreateEnum
CREATE TYPE "ReviewKind" AS ENUM ('first', 'second', 'adjudication', 'appeal');

-- CreateEnum
CREATE TYPE "AppealStatus" AS ENUM ('open', 'upheld', 'changed');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ResultSource" ADD VALUE 'double_marked';
ALTER TYPE "ResultSource" ADD VALUE 'adjudicated';
ALTER TYPE "ResultSource" ADD VALUE 'override';
ALTER TYPE "ResultSource" ADD VALUE 'appeal';

-- AlterEnum
ALTER TYPE "Role" ADD VALUE 'senior';

-- DropIndex
DROP INDEX "grading_results_submission_id_source_key";

-- DropIndex
DROP INDEX "review_tasks_submission_id_key";

-- AlterTable
ALTER TABLE "grading_results" ADD COLUMN     "reason" TEXT,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;

-- Results so far: an AI draft that went to review becomes version 0, every final one version 1.
UPDATE "grading_results" SET "version" = 0 WHERE NOT "is_final";

-- AlterTable
ALTER TABLE "review_tasks" ADD COLUMN     "held_by" UUID[] DEFAULT ARRAY[]::UUID[],
ADD COLUMN     "kind" "ReviewKind" NOT NULL DEFAULT 'first';

-- Whoever held a review so far: its last holder.
UPDATE "review_tasks" SET "held_by" = ARRAY["claimed_by_id"] WHERE "claimed_by_id" IS NOT NULL;

-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "double_marked" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "marks" (
    "id" UUID NOT NULL,
    "submission_id" UUID NOT NULL,
    "review_id" UUID NOT NULL,
    "kind" "ReviewKind" NOT NULL,
    "grader_id" UUID,
    "overall" DECIMAL(3,1) NOT NULL,
    "level" TEXT,
    "feedback" TEXT NOT NULL,
    "criteria" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "marks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "appeals" (
    "id" UUID NOT NULL,
    "submission_id" UUID NOT NULL,
    "student_id" UUID,
    "reason" TEXT NOT NULL,
    "status" "AppealStatus" NOT NULL DEFAULT 'open',
    "appealed_version" INTEGER NOT NULL,
    "result_version" INTEGER,
    "response" TEXT,
    "decided_by_id" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "workflow_started_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "appeals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_records" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "submission_id" UUID,
    "subject_id" UUID,
    "before" JSONB,
    "after" JSONB,
    "redacted" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "audit_records_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "marks_review_id_key" ON "marks"("review_id");

-- CreateIndex
CREATE INDEX "marks_submission_id_idx" ON "marks"("submission_id");

-- CreateIndex
CREATE INDEX "marks_grader_id_created_at_idx" ON "marks"("grader_id", "created_at");

-- CreateIndex
CREATE INDEX "marks_created_at_idx" ON "marks"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "appeals_submission_id_key" ON "appeals"("submission_id");

-- CreateIndex
CREATE INDEX "appeals_status_created_at_idx" ON "appeals"("status", "created_at");

-- CreateIndex
CREATE INDEX "audit_records_at_id_idx" ON "audit_records"("at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "audit_records_submission_id_idx" ON "audit_records"("submission_id");

-- CreateIndex
CREATE INDEX "audit_records_actor_id_at_idx" ON "audit_records"("actor_id", "at" DESC);

-- CreateIndex
CREATE INDEX "audit_records_action_at_idx" ON "audit_records"("action", "at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "grading_results_submission_id_version_key" ON "grading_results"("submission_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "review_tasks_submission_id_kind_key" ON "review_tasks"("submission_id", "kind");

-- AddForeignKey
ALTER TABLE "marks" ADD CONSTRAINT "marks_submission_id_fkey" FOREIGN KEY ("submission_id") REFERENCES "submissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "marks" ADD CONSTRAINT "marks_review_id_fkey" FOREIGN KEY ("review_id") REFERENCES "review_tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "marks" ADD CONSTRAINT "marks_grader_id_fkey" FOREIGN KEY ("grader_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_submission_id_fkey" FOREIGN KEY ("submission_id") REFERENCES "submissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Marks so far: each completed review's human result is its one (first) mark; a grader whose
-- account is gone leaves the mark without its grader.
INSERT INTO "marks" ("id", "submission_id", "review_id", "kind", "grader_id", "overall", "level", "feedback", "criteria", "created_at")
SELECT gen_random_uuid(), r."submission_id", t."id", 'first', (SELECT u."id" FROM "users" u WHERE u."id" = r."grader_id"), r."overall", r."level", r."feedback",
       COALESCE((SELECT jsonb_object_agg(c."criterion", jsonb_strip_nulls(jsonb_build_object('score', c."score", 'feedback', c."feedback")))
                 FROM "criterion_scores" c WHERE c."result_id" = r."id"), '{}'::jsonb),
       r."created_at"
FROM "grading_results" r JOIN "review_tasks" t ON t."submission_id" = r."submission_id"
WHERE r."source" = 'human' AND t."status" = 'completed';
