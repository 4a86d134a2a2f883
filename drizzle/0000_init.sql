CREATE TABLE "approvals" (
	"run_id" uuid NOT NULL,
	"approval_id" text NOT NULL,
	"role" text NOT NULL,
	"approver_id" text NOT NULL,
	"approved_at" timestamp with time zone NOT NULL,
	CONSTRAINT "approvals_run_id_approval_id_approver_id_pk" PRIMARY KEY("run_id","approval_id","approver_id")
);
--> statement-breakpoint
CREATE TABLE "environment_locks" (
	"runbook_name" text NOT NULL,
	"environment" text NOT NULL,
	"run_id" uuid NOT NULL,
	"holder_id" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	CONSTRAINT "environment_locks_runbook_name_environment_pk" PRIMARY KEY("runbook_name","environment")
);
--> statement-breakpoint
CREATE TABLE "escalation_contacts" (
	"run_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"label" text NOT NULL,
	"slack_user_id" text,
	"phone" text,
	CONSTRAINT "escalation_contacts_run_id_position_pk" PRIMARY KEY("run_id","position")
);
--> statement-breakpoint
CREATE TABLE "escalation_pages" (
	"run_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"position" integer NOT NULL,
	"user_id" text NOT NULL,
	"notified_at" timestamp with time zone NOT NULL,
	CONSTRAINT "escalation_pages_run_id_round_position_pk" PRIMARY KEY("run_id","round","position")
);
--> statement-breakpoint
CREATE TABLE "escalations" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"timeout_minutes" integer NOT NULL,
	"rounds" integer NOT NULL,
	"acknowledged_by" text,
	"acknowledged_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"effect" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"claimed_by" text,
	"claimed_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "run_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"command" text NOT NULL,
	"actor" text,
	"at" timestamp with time zone NOT NULL,
	"idempotency_key" text,
	"events" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_steps" (
	"run_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"status" text NOT NULL,
	"by" text,
	"at" timestamp with time zone,
	"output" text,
	"exit_code" integer,
	"owner" text,
	"wait_started_at" timestamp with time zone,
	"wait_ends_at" timestamp with time zone,
	"wait_started_by" text,
	"wait_notified_at" timestamp with time zone,
	CONSTRAINT "run_steps_run_id_step_id_pk" PRIMARY KEY("run_id","step_id")
);
--> statement-breakpoint
CREATE TABLE "runbook_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"content_hash" text NOT NULL,
	"git_commit" text,
	"model" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"snapshot_id" uuid NOT NULL,
	"runbook_name" text NOT NULL,
	"environment" text NOT NULL,
	"channel_id" text NOT NULL,
	"starter_id" text NOT NULL,
	"status" text NOT NULL,
	"rehearsal" boolean DEFAULT false NOT NULL,
	"params" jsonb NOT NULL,
	"required" jsonb NOT NULL,
	"current_phase_index" integer,
	"rollback_by" text,
	"rollback_at" timestamp with time zone,
	"rollback_reason" text,
	"abort_by" text,
	"abort_at" timestamp with time zone,
	"abort_reason" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slack_messages" (
	"run_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"phase_index" integer DEFAULT -1 NOT NULL,
	"part" integer DEFAULT 0 NOT NULL,
	"channel_id" text NOT NULL,
	"ts" text NOT NULL,
	"rendered_version" integer DEFAULT 0 NOT NULL,
	"render_hash" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "slack_messages_run_id_kind_phase_index_part_pk" PRIMARY KEY("run_id","kind","phase_index","part")
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"run_id" uuid NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"fired_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environment_locks" ADD CONSTRAINT "environment_locks_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_contacts" ADD CONSTRAINT "escalation_contacts_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_pages" ADD CONSTRAINT "escalation_pages_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_events" ADD CONSTRAINT "run_events_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_steps" ADD CONSTRAINT "run_steps_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_snapshot_id_runbook_snapshots_id_fk" FOREIGN KEY ("snapshot_id") REFERENCES "public"."runbook_snapshots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slack_messages" ADD CONSTRAINT "slack_messages_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timers" ADD CONSTRAINT "timers_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_pending" ON "outbox" USING btree ("run_id","id") WHERE "outbox"."done_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "run_events_idempotency_key" ON "run_events" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "run_events_run" ON "run_events" USING btree ("run_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "runbook_snapshots_name_hash" ON "runbook_snapshots" USING btree ("name","content_hash");--> statement-breakpoint
CREATE INDEX "runs_channel_status" ON "runs" USING btree ("channel_id","status");--> statement-breakpoint
CREATE INDEX "runs_runbook_environment" ON "runs" USING btree ("runbook_name","environment");--> statement-breakpoint
CREATE UNIQUE INDEX "timers_key" ON "timers" USING btree ("key");--> statement-breakpoint
CREATE INDEX "timers_due" ON "timers" USING btree ("due_at") WHERE "timers"."status" = 'pending';