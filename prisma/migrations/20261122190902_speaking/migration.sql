-- AlterTable
ALTER TABLE "criterion_scores" ADD COLUMN     "estimated" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "review_tasks" ADD COLUMN     "note" TEXT;

-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "audio_bytes" INTEGER,
ADD COLUMN     "audio_format" TEXT,
ADD COLUMN     "audio_key" TEXT,
ADD COLUMN     "audio_seconds" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "transcripts" (
    "id" UUID NOT NULL,
    "submission_id" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "duration_seconds" DOUBLE PRECISION,
    "word_count" INTEGER NOT NULL,
    "words_per_minute" DOUBLE PRECISION,
    "speech_seconds" DOUBLE PRECISION,
    "articulation_rate" DOUBLE PRECISION,
    "pause_count" INTEGER,
    "long_pause_count" INTEGER,
    "mean_pause_seconds" DOUBLE PRECISION,
    "longest_pause_seconds" DOUBLE PRECISION,
    "mean_run_words" DOUBLE PRECISION,
    "words" JSONB,
    "provider" TEXT NOT NULL,
    "model" TEXT,
    "language" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transcripts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "transcripts_submission_id_key" ON "transcripts"("submission_id");

-- AddForeignKey
ALTER TABLE "transcripts" ADD CONSTRAINT "transcripts_submission_id_fkey" FOREIGN KEY ("submission_id") REFERENCES "submissions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every submission carries its response: an essay for writing, stored audio for speaking.
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_response_present"
  CHECK (("skill" = 'writing' AND "text" IS NOT NULL) OR ("skill" = 'speaking' AND "audio_key" IS NOT NULL));
