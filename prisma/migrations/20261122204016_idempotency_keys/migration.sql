-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "idempotency_hash" TEXT,
ADD COLUMN     "idempotency_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "submissions_student_id_idempotency_key_key" ON "submissions"("student_id", "idempotency_key");
