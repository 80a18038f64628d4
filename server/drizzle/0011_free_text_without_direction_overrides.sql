-- Free text stored before the server refused them (shared office-text.ts controlOrDirectionMessage)
-- may hold characters that reorder it (embeddings, overrides, isolates: U+202A-U+202E,
-- U+2066-U+2069) or control characters (C0 but tab and line breaks, C1 but NEL): concerns,
-- decline notes, absence reasons, and e-mails with a cancellation note or accessibility feedback
-- in them still showed reversed in the console, on the citizen's page and in mail programs, and an
-- installation's export carried reasons its import refuses. They are removed; the marks U+200E,
-- U+200F and U+061C stay. A text left empty becomes no text.
UPDATE "visits" SET "concern" = nullif(btrim(regexp_replace("concern", '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]', '', 'g')), '')
  WHERE "concern" ~ '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]';
--> statement-breakpoint
UPDATE "visits" SET "decline_note" = nullif(btrim(regexp_replace("decline_note", '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]', '', 'g')), '')
  WHERE "decline_note" ~ '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]';
--> statement-breakpoint
UPDATE "appointments" SET "concern" = nullif(btrim(regexp_replace("concern", '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]', '', 'g')), '')
  WHERE "concern" ~ '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]';
--> statement-breakpoint
UPDATE "staff_absences" SET "reason" = nullif(btrim(regexp_replace("reason", '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]', '', 'g')), '')
  WHERE "reason" ~ '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]';
--> statement-breakpoint
UPDATE "mail_outbox" SET "subject" = regexp_replace("subject", '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]', '', 'g')
  WHERE "subject" ~ '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]';
--> statement-breakpoint
UPDATE "mail_outbox" SET "text" = regexp_replace("text", '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]', '', 'g')
  WHERE "text" ~ '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]';
--> statement-breakpoint
UPDATE "mail_outbox" SET "html" = regexp_replace("html", '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]', '', 'g')
  WHERE "html" ~ '[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]';
