-- CodeBlu training records, schema version 2: who heard or watched a session, and officers' units.

-- Every replay of a session's recorded audio, every listen-in and every live watch by staff:
-- the admin reads it (GET /api/audit/access); a watch or listen-in while the session ran makes
-- its hours "supervised" in the hours export. Kept even if the session's records go.
CREATE TABLE access_audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    username    TEXT NOT NULL,
    role        TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('replay', 'listen', 'watch')),
    session_id  TEXT NOT NULL,
    ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX access_audit_session ON access_audit(session_id, action);

-- The unit (shift, squad, division) an officer trains with: the hours roster can export one unit.
ALTER TABLE officers ADD COLUMN unit TEXT NOT NULL DEFAULT '';
