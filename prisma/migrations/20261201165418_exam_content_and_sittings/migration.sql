-- CreateEnum
CREATE TYPE "ExamTaskStatus" AS ENUM ('draft', 'published', 'archived');

-- CreateEnum
CREATE TYPE "FeedbackLanguage" AS ENUM ('en', 'vi');

-- AlterTable
ALTER TABLE "attempts" ADD COLUMN     "due_at" TIMESTAMPTZ(3),
ADD COLUMN     "sitting_id" UUID;

-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "exam_task_id" UUID,
ADD COLUMN     "late" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "exam_tasks" (
    "id" UUID NOT NULL,
    "family_id" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "previous_version_id" UUID,
    "skill" "Skill" NOT NULL,
    "task" "Task" NOT NULL,
    "title" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "questions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "grader_notes" TEXT,
    "mode" "GradingMode" NOT NULL,
    "second_marking_rate" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "feedback_language" "FeedbackLanguage" NOT NULL DEFAULT 'en',
    "status" "ExamTaskStatus" NOT NULL DEFAULT 'draft',
    "created_by_id" UUID,
    "published_at" TIMESTAMPTZ(3),
    "archived_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "exam_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sittings" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "opens_at" TIMESTAMPTZ(3) NOT NULL,
    "closes_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_minutes" INTEGER,
    "student_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "allow_retakes" BOOLEAN NOT NULL DEFAULT false,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sittings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sitting_tasks" (
    "sitting_id" UUID NOT NULL,
    "exam_task_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "sitting_tasks_pkey" PRIMARY KEY ("sitting_id","position")
);

-- CreateIndex
CREATE INDEX "exam_tasks_status_created_at_id_idx" ON "exam_tasks"("status", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "exam_tasks_created_at_id_idx" ON "exam_tasks"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "exam_tasks_family_id_version_key" ON "exam_tasks"("family_id", "version");

-- CreateIndex
CREATE INDEX "sittings_opens_at_idx" ON "sittings"("opens_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "sitting_tasks_sitting_id_exam_task_id_key" ON "sitting_tasks"("sitting_id", "exam_task_id");

-- CreateIndex
CREATE INDEX "attempts_sitting_id_student_id_idx" ON "attempts"("sitting_id", "student_id");

-- CreateIndex
CREATE INDEX "submissions_exam_task_id_idx" ON "submissions"("exam_task_id");

-- AddForeignKey
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_exam_task_id_fkey" FOREIGN KEY ("exam_task_id") REFERENCES "exam_tasks"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_sitting_id_fkey" FOREIGN KEY ("sitting_id") REFERENCES "sittings"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exam_tasks" ADD CONSTRAINT "exam_tasks_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sittings" ADD CONSTRAINT "sittings_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sitting_tasks" ADD CONSTRAINT "sitting_tasks_sitting_id_fkey" FOREIGN KEY ("sitting_id") REFERENCES "sittings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sitting_tasks" ADD CONSTRAINT "sitting_tasks_exam_task_id_fkey" FOREIGN KEY ("exam_task_id") REFERENCES "exam_tasks"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A task that left draft is frozen: its wording, marking policy and history never change again
-- (an edit is a new version), it only moves forward, draft -> published -> archived, and it is
-- never deleted (answers and sittings name it).
CREATE FUNCTION exam_tasks_frozen() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'exam task % is %: it cannot be deleted', OLD.id, OLD.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'draft' AND (
    NEW.skill IS DISTINCT FROM OLD.skill OR NEW.task IS DISTINCT FROM OLD.task OR
    NEW.title IS DISTINCT FROM OLD.title OR NEW.prompt IS DISTINCT FROM OLD.prompt OR
    NEW.questions IS DISTINCT FROM OLD.questions OR NEW.grader_notes IS DISTINCT FROM OLD.grader_notes OR
    NEW.mode IS DISTINCT FROM OLD.mode OR NEW.second_marking_rate IS DISTINCT FROM OLD.second_marking_rate OR
    NEW.feedback_language IS DISTINCT FROM OLD.feedback_language OR
    NEW.family_id IS DISTINCT FROM OLD.family_id OR NEW.version IS DISTINCT FROM OLD.version OR
    NEW.previous_version_id IS DISTINCT FROM OLD.previous_version_id OR NEW.published_at IS DISTINCT FROM OLD.published_at OR
    (OLD.status = 'archived' AND NEW.archived_at IS DISTINCT FROM OLD.archived_at)
  ) THEN
    RAISE EXCEPTION 'exam task % is %: its content and policy are frozen', OLD.id, OLD.status USING ERRCODE = 'check_violation';
  END IF;
  IF (OLD.status = 'published' AND NEW.status = 'draft') OR (OLD.status = 'archived' AND NEW.status <> 'archived') THEN
    RAISE EXCEPTION 'exam task % cannot move from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER exam_tasks_frozen BEFORE UPDATE OR DELETE ON "exam_tasks" FOR EACH ROW EXECUTE FUNCTION exam_tasks_frozen();
