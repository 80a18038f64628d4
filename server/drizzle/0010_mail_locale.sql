ALTER TABLE "appointments" ADD COLUMN "mail_locale" text DEFAULT 'de' NOT NULL;--> statement-breakpoint
-- Until now an appointment's e-mails were written in its conversation language where that was
-- German or English, else in German: older rows keep getting what they got.
UPDATE "appointments" SET "mail_locale" = 'en' WHERE "language" = 'en';
