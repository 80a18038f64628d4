CREATE TABLE "devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"pairing_code_hash" text,
	"pairing_expires_at" timestamp with time zone,
	"token_hash" text,
	"paired_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "devices_kind" CHECK ("devices"."kind" in ('kiosk', 'display'))
);
--> statement-breakpoint
CREATE TABLE "ticket_counters" (
	"department_id" uuid NOT NULL,
	"day" date NOT NULL,
	"last" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "ticket_counters_department_id_day_pk" PRIMARY KEY("department_id","day")
);
--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "channel" text DEFAULT 'video' NOT NULL;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "booking_code" text;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "birth_date_hash" text;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "check_in_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "appointments" ADD COLUMN "check_in_locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "onsite_location" jsonb;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "kiosk_walk_ins" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "check_in_opens_minutes_before" integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE "services" ADD COLUMN "channels" text DEFAULT 'video' NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_memberships" ADD COLUMN "counter_name" text;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "channel" text DEFAULT 'video' NOT NULL;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "ticket_day" date;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "ticket_number" integer;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "called_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "visits" ADD COLUMN "called_counter" text;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_counters" ADD CONSTRAINT "ticket_counters_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "devices_token_key" ON "devices" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_pairing_code_key" ON "devices" USING btree ("pairing_code_hash");--> statement-breakpoint
CREATE INDEX "devices_department_idx" ON "devices" USING btree ("department_id");--> statement-breakpoint
CREATE UNIQUE INDEX "appointments_booking_code_key" ON "appointments" USING btree ("booking_code");--> statement-breakpoint
CREATE UNIQUE INDEX "visits_ticket_key" ON "visits" USING btree ("department_id","ticket_day","ticket_number") WHERE "visits"."ticket_number" is not null;--> statement-breakpoint
CREATE INDEX "visits_called_idx" ON "visits" USING btree ("department_id","called_at");--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_channel" CHECK ("appointments"."channel" in ('video', 'onsite'));--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_check_in_opens_nonnegative" CHECK ("departments"."check_in_opens_minutes_before" >= 0);--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_channels" CHECK ("services"."channels" in ('video', 'onsite', 'both'));--> statement-breakpoint
ALTER TABLE "visits" ADD CONSTRAINT "visits_channel" CHECK ("visits"."channel" in ('video', 'onsite'));