CREATE TABLE "slack_budget" (
	"key" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at" double precision NOT NULL
);
