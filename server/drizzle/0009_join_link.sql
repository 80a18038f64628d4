ALTER TABLE "appointments" ADD COLUMN "join_token_hash" text;--> statement-breakpoint
CREATE UNIQUE INDEX "appointments_join_token_key" ON "appointments" USING btree ("join_token_hash");