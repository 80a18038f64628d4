CREATE TABLE "call_members" (
	"visit_id" uuid NOT NULL,
	"identity" text NOT NULL,
	"connection_id" text NOT NULL,
	"participant" jsonb NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_members_visit_id_identity_pk" PRIMARY KEY("visit_id","identity")
);
--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "call_key" text;--> statement-breakpoint
ALTER TABLE "call_members" ADD CONSTRAINT "call_members_visit_id_visits_id_fk" FOREIGN KEY ("visit_id") REFERENCES "public"."visits"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_members_connection_idx" ON "call_members" USING btree ("connection_id");--> statement-breakpoint
CREATE INDEX "call_members_seen_idx" ON "call_members" USING btree ("seen_at");