-- AlterTable
ALTER TABLE "grading_results" ADD COLUMN     "completion_tokens" INTEGER,
ADD COLUMN     "prompt_tokens" INTEGER,
ADD COLUMN     "uncertainty" JSONB;
