-- CodeBlu training records, schema version 3: demo calls.

-- A session started from "Try the demo" on the officer client (demo mode on): no officer paired
-- for it, and it never counts toward training hours (the hours roster and progress leave it out).
ALTER TABLE sessions ADD COLUMN demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1));
