CREATE TABLE "escalation_dms" (
	"run_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"position" integer NOT NULL,
	"channel_id" text NOT NULL,
	"ts" text NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "escalation_dms_run_id_round_position_pk" PRIMARY KEY("run_id","round","position")
);
--> statement-breakpoint
CREATE TABLE "hand_offs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"event" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "pagerduty_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"action" text NOT NULL,
	"dedup_key" text NOT NULL,
	"routing_key_env" text NOT NULL,
	"payload" jsonb,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"claimed_until" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "run_queue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"runbook_name" text NOT NULL,
	"environment" text NOT NULL,
	"channel_id" text NOT NULL,
	"starter_id" text NOT NULL,
	"params" jsonb NOT NULL,
	"rehearsal" boolean DEFAULT false NOT NULL,
	"status" text NOT NULL,
	"behind_run_id" uuid,
	"released_by_run_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"queued_at" timestamp with time zone,
	"offered_at" timestamp with time zone,
	"offer_expires_at" timestamp with time zone,
	"offer_ts" text,
	"started_run_id" uuid,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "run_reports" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slack_budget" (
	"key" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at" double precision NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "owners" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "escalation_dms" ADD CONSTRAINT "escalation_dms_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hand_offs" ADD CONSTRAINT "hand_offs_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pagerduty_events" ADD CONSTRAINT "pagerduty_events_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_queue" ADD CONSTRAINT "run_queue_behind_run_id_runs_id_fk" FOREIGN KEY ("behind_run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_queue" ADD CONSTRAINT "run_queue_released_by_run_id_runs_id_fk" FOREIGN KEY ("released_by_run_id") REFERENCES "public"."runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_reports" ADD CONSTRAINT "run_reports_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "hand_offs_pending" ON "hand_offs" USING btree ("id") WHERE "hand_offs"."done_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "pagerduty_events_run_action" ON "pagerduty_events" USING btree ("run_id","action");--> statement-breakpoint
CREATE INDEX "pagerduty_events_pending" ON "pagerduty_events" USING btree ("next_attempt_at") WHERE "pagerduty_events"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "run_queue_lock" ON "run_queue" USING btree ("runbook_name","environment","status","id");