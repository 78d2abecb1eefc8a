-- Lists identify a key by its last characters (`dl_…x7Qz`) instead of its first ones.
-- Keys made before this keep the start they were shown by, marked as such.
ALTER TABLE "api_keys" RENAME COLUMN "prefix" TO "hint";--> statement-breakpoint
UPDATE "api_keys" SET "hint" = "hint" || '…';
