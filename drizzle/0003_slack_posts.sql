CREATE TABLE "run_slack_stops" (
	"run_id" uuid PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"stopped_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "slack_posts" (
	"run_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"phase_index" integer DEFAULT -1 NOT NULL,
	"part" integer DEFAULT 0 NOT NULL,
	"attempt" text NOT NULL,
	"channel_id" text NOT NULL,
	"thread_ts" text,
	"started_at" timestamp with time zone NOT NULL,
	CONSTRAINT "slack_posts_run_id_kind_phase_index_part_pk" PRIMARY KEY("run_id","kind","phase_index","part")
);
--> statement-breakpoint
ALTER TABLE "run_slack_stops" ADD CONSTRAINT "run_slack_stops_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slack_posts" ADD CONSTRAINT "slack_posts_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;