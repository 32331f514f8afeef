-- CodeBlu training records, schema version 1.
-- Times: *_at columns are ISO-8601 UTC text ("2026-11-22T10:00:00Z"); *_ts columns are Unix
-- seconds (REAL) where the code compares them (expiry, rate windows).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'instructor', 'training_officer')),
    password_hash TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id)
);

CREATE TABLE web_sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    created_ts  REAL NOT NULL,
    expires_ts  REAL NOT NULL,
    ip          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX web_sessions_user ON web_sessions(user_id);

CREATE TABLE login_audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    username  TEXT NOT NULL,
    user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    ip        TEXT NOT NULL,
    outcome   TEXT NOT NULL CHECK (outcome IN ('ok', 'bad_password', 'unknown_user', 'disabled',
                                                'rate_limited', 'logout'))
);

CREATE TABLE officers (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    post_id     TEXT NOT NULL DEFAULT '',
    agency      TEXT NOT NULL DEFAULT '',
    registered  INTEGER NOT NULL DEFAULT 1 CHECK (registered IN (0, 1)),
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX officers_post_id ON officers(post_id, agency) WHERE post_id <> '';

CREATE TABLE assignments (
    id           INTEGER PRIMARY KEY,
    officer_id   TEXT NOT NULL REFERENCES officers(id),
    scenario_id  TEXT NOT NULL,
    due_date     TEXT,
    note         TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'assigned'
                 CHECK (status IN ('assigned', 'completed', 'cancelled')),
    assigned_by  INTEGER REFERENCES users(id),
    created_at   TEXT NOT NULL,
    completed_session_id TEXT
);
CREATE INDEX assignments_officer ON assignments(officer_id, status);

CREATE TABLE pairing_codes (
    code_hash   TEXT PRIMARY KEY,
    officer_id  TEXT NOT NULL REFERENCES officers(id),
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_ts  REAL NOT NULL,
    expires_ts  REAL NOT NULL,
    used_ts     REAL
);

CREATE TABLE device_tokens (
    token_hash  TEXT PRIMARY KEY,
    officer_id  TEXT NOT NULL REFERENCES officers(id) ON DELETE CASCADE,
    label       TEXT NOT NULL DEFAULT '',
    created_ts  REAL NOT NULL,
    expires_ts  REAL NOT NULL
);

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    officer_id     TEXT NOT NULL REFERENCES officers(id),
    scenario_id    TEXT NOT NULL,
    assignment_id  INTEGER REFERENCES assignments(id),
    started_at     TEXT NOT NULL,
    ended_at       TEXT,
    active_seconds REAL NOT NULL DEFAULT 0,
    outcome        TEXT,
    status         TEXT NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'finished'))
);
CREATE INDEX sessions_officer ON sessions(officer_id, started_at);

CREATE TABLE turns (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    speaker     TEXT NOT NULL,
    start_s     REAL NOT NULL,
    end_s       REAL NOT NULL,
    text        TEXT NOT NULL,
    interrupted INTEGER NOT NULL DEFAULT 0,
    features    TEXT,
    PRIMARY KEY (session_id, seq)
);

-- state timeline, instructor/scenario events and per-turn timings: one row each, JSON body kept whole
CREATE TABLE session_events (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('state', 'event', 'timing')),
    seq         INTEGER NOT NULL,
    t           REAL,
    body        TEXT NOT NULL,
    PRIMARY KEY (session_id, kind, seq)
);

CREATE TABLE reviews (
    session_id      TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    review          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    signed_off_by   INTEGER REFERENCES users(id),
    signed_off_at   TEXT,
    signoff_note    TEXT
);

CREATE TABLE annotations (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES reviews(session_id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES users(id),
    created_at  TEXT NOT NULL,
    competency  TEXT,
    t           REAL,
    text        TEXT NOT NULL
);
CREATE INDEX annotations_session ON annotations(session_id);

-- raw audio files kept only when records.keep_audio is on; swept after records.audio_retention_days
CREATE TABLE audio_files (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    path        TEXT NOT NULL UNIQUE,
    created_ts  REAL NOT NULL
);
