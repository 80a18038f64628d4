-- Issue 13: a door nobody attends (departments.unattended_since, visit state 'unattended') and
-- how a department's name stands in a sentence (departments.name_forms).
ALTER TYPE "public"."visit_state" ADD VALUE 'unattended';--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "name_forms" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "unattended_since" timestamp with time zone;