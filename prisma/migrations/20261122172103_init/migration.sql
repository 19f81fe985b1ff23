-- CreateEnum
CREATE TYPE "Role" AS ENUM ('student', 'grader', 'admin');

-- CreateEnum
CREATE TYPE "Skill" AS ENUM ('writing', 'speaking');

-- CreateEnum
CREATE TYPE "Task" AS ENUM ('task1', 'task2', 'part1', 'part2', 'part3');

-- CreateEnum
CREATE TYPE "GradingMode" AS ENUM ('auto', 'hybrid', 'human');

-- CreateEnum
CREATE TYPE "SubmissionStatus" AS ENUM ('pending', 'processing', 'completed', 'review_pending', 'failed');

-- CreateEnum
CREATE TYPE "ReviewPriority" AS ENUM ('low', 'medium', 'high');

-- CreateEnum
CREATE TYPE "ReviewStatus" AS ENUM ('open', 'claimed', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "ResultSource" AS ENUM ('ai', 'human');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'student',
    "password_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "submissions" (
    "id" UUID NOT NULL,
    "student_id" UUID,
    "skill" "Skill" NOT NULL,
    "task" "Task" NOT NULL,
    "mode" "GradingMode" NOT NULL,
    "status" "SubmissionStatus" NOT NULL DEFAULT 'pending',
    "prompt" TEXT NOT NULL,
    "text" TEXT,
    "word_count" INTEGER,
    "workflow_id" TEXT NOT NULL,
    "request_id" TEXT,
    "deadline_at" TIMESTAMPTZ(3) NOT NULL,
    "sla_breached" BOOLEAN NOT NULL DEFAULT false,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "submissions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "grading_results" (
    "id" UUID NOT NULL,
    "submission_id" UUID NOT NULL,
    "source" "ResultSource" NOT NULL,
    "is_final" BOOLEAN NOT NULL DEFAULT false,
    "overall" DECIMAL(3,1) NOT NULL,
    "level" TEXT,
    "feedback" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT,
    "scorer_version" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION,
    "routing" JSONB,
    "grader_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "grading_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "criterion_scores" (
    "id" UUID NOT NULL,
    "result_id" UUID NOT NULL,
    "criterion" TEXT NOT NULL,
    "score" DECIMAL(3,1) NOT NULL,
    "evidence" TEXT[],
    "feedback" TEXT,

    CONSTRAINT "criterion_scores_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_tasks" (
    "id" UUID NOT NULL,
    "submission_id" UUID NOT NULL,
    "priority" "ReviewPriority" NOT NULL,
    "status" "ReviewStatus" NOT NULL DEFAULT 'open',
    "reasons" TEXT[],
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "claimed_by_id" UUID,
    "lease_expires_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "review_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "submission_events" (
    "id" BIGSERIAL NOT NULL,
    "submission_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "from_status" "SubmissionStatus",
    "to_status" "SubmissionStatus",
    "data" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "submission_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "submissions_workflow_id_key" ON "submissions"("workflow_id");

-- CreateIndex
CREATE INDEX "submissions_student_id_created_at_idx" ON "submissions"("student_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "submissions_status_created_at_idx" ON "submissions"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "grading_results_submission_id_source_key" ON "grading_results"("submission_id", "source");

-- CreateIndex
CREATE UNIQUE INDEX "criterion_scores_result_id_criterion_key" ON "criterion_scores"("result_id", "criterion");

-- CreateIndex
CREATE UNIQUE INDEX "review_tasks_submission_id_key" ON "review_tasks"("submission_id");

-- CreateIndex
CREATE INDEX "review_tasks_status_priority_due_at_idx" ON "review_tasks"("status", "priority", "due_at");

-- CreateIndex
CREATE INDEX "submission_events_submission_id_id_idx" ON "submission_events"("submission_id", "id");

-- AddForeignKey
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grading_results" ADD CONSTRAINT "grading_results_submission_id_fkey" FOREIGN KEY ("submission_id") REFERENCES "submissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "criterion_scores" ADD CONSTRAINT "criterion_scores_result_id_fkey" FOREIGN KEY ("result_id") REFERENCES "grading_results"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_submission_id_fkey" FOREIGN KEY ("submission_id") REFERENCES "submissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_claimed_by_id_fkey" FOREIGN KEY ("claimed_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "submission_events" ADD CONSTRAINT "submission_events_submission_id_fkey" FOREIGN KEY ("submission_id") REFERENCES "submissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Lifecycle guard: the five-state transition table of src/domain/lifecycle.ts, enforced at
-- every write, whoever writes. test/integration/lifecycle-trigger.test.ts keeps both in step.
CREATE FUNCTION "submissions_status_transition"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" IS DISTINCT FROM OLD."status" AND NOT (
       (OLD."status" = 'pending'        AND NEW."status" = 'processing')
    OR (OLD."status" = 'processing'     AND NEW."status" IN ('completed', 'review_pending', 'failed'))
    OR (OLD."status" = 'review_pending' AND NEW."status" = 'completed')
    OR (OLD."status" = 'failed'         AND NEW."status" = 'pending')
  ) THEN
    RAISE EXCEPTION 'illegal submission status transition % -> %', OLD."status", NEW."status"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "submissions_status_transition"
  BEFORE UPDATE OF "status" ON "submissions"
  FOR EACH ROW EXECUTE FUNCTION "submissions_status_transition"();

