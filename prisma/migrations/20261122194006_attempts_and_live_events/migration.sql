-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "attempt_id" UUID;

-- CreateTable
CREATE TABLE "attempts" (
    "id" UUID NOT NULL,
    "student_id" UUID NOT NULL,
    "title" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "attempts_student_id_created_at_idx" ON "attempts"("student_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "submissions_attempt_id_task_key" ON "submissions"("attempt_id", "task");

-- AddForeignKey
ALTER TABLE "submissions" ADD CONSTRAINT "submissions_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "attempts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Live feed: every stored submission event is announced on the channel "submission_events" as
-- "<submission id>:<event id>". NOTIFY is delivered at commit, so listeners (every API process,
-- src/live/event-hub.ts) never hear of an event that was rolled back, and no committed event goes
-- unannounced.
CREATE FUNCTION notify_submission_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('submission_events', NEW.submission_id::text || ':' || NEW.id::text);
  RETURN NEW;
END;
$$;

CREATE TRIGGER submission_events_notify
  AFTER INSERT ON "submission_events"
  FOR EACH ROW EXECUTE FUNCTION notify_submission_event();

-- A deleted submission is announced too ("<submission id>:deleted"), so its open streams end at once.
CREATE FUNCTION notify_submission_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('submission_events', OLD.id::text || ':deleted');
  RETURN OLD;
END;
$$;

CREATE TRIGGER submissions_deleted_notify
  AFTER DELETE ON "submissions"
  FOR EACH ROW EXECUTE FUNCTION notify_submission_deleted();
