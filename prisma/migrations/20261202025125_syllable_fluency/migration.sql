-- AlterTable
ALTER TABLE "transcripts" ADD COLUMN     "articulation_syllables_per_second" DOUBLE PRECISION,
ADD COLUMN     "filled_pause_count" INTEGER,
ADD COLUMN     "filled_pauses_per_minute" DOUBLE PRECISION,
ADD COLUMN     "mean_run_syllables" DOUBLE PRECISION,
ADD COLUMN     "mean_word_probability" DOUBLE PRECISION,
ADD COLUMN     "pauses_per_minute" DOUBLE PRECISION,
ADD COLUMN     "phonation_seconds" DOUBLE PRECISION,
ADD COLUMN     "phonation_time_ratio" DOUBLE PRECISION,
ADD COLUMN     "speaking_seconds" DOUBLE PRECISION,
ADD COLUMN     "speech_syllables_per_second" DOUBLE PRECISION,
ADD COLUMN     "syllable_count" INTEGER;
