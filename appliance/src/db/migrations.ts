/**
 * Numbered schema migrations. Append only: never edit a migration that has shipped.
 * Capabilities that own tables add their migration here with the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'accounts, sessions, devices, audit',
    sql: `
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin','member','child')),
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- One-time links: invites (role, no user yet) and password resets (for a user).
      CREATE TABLE account_links (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('invite','reset')),
        token_hash TEXT NOT NULL UNIQUE,
        role TEXT CHECK (role IN ('admin','member','child')),
        user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        used_by INTEGER REFERENCES users(id) ON DELETE SET NULL
      );

      CREATE TABLE sessions (
        sid TEXT PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        data TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE INDEX sessions_expiry ON sessions(expires_at);

      CREATE TABLE devices (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('kiosk','agent','home-assistant')),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        last_seen_at INTEGER
      );

      CREATE TABLE login_throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        lockouts INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER NOT NULL DEFAULT 0,
        last_failure_at INTEGER NOT NULL
      );

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor_kind TEXT NOT NULL,
        actor_id INTEGER,
        actor_name TEXT,
        action TEXT NOT NULL,
        target TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok','denied','failed')),
        ip TEXT,
        detail TEXT
      );
      CREATE INDEX audit_action ON audit_log(action, id);
      CREATE INDEX audit_actor ON audit_log(actor_kind, actor_id, id);
    `,
  },
  {
    version: 2,
    name: 'jobs, media, artifacts, presets',
    sql: `
      -- Deleting an account deletes its jobs and media (CASCADE); the files are swept afterwards.
      -- A job owned by a device (home-assistant preset run) or by Hearth itself (moderation) has no user.
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        capability TEXT NOT NULL,
        title TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued','waiting_for_gpu','running','succeeded','failed','cancelled')),
        input TEXT NOT NULL,
        owner_kind TEXT NOT NULL CHECK (owner_kind IN ('user','device','system')),
        owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        owner_device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL,
        owner_name TEXT NOT NULL,
        preset_id INTEGER,
        progress TEXT,
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER
      );
      CREATE INDEX jobs_owner ON jobs(owner_id, id);
      CREATE INDEX jobs_status ON jobs(status, capability);
      CREATE INDEX jobs_owner_day ON jobs(owner_id, created_at);

      CREATE TABLE media (
        id TEXT PRIMARY KEY,
        owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        owner_name TEXT NOT NULL,
        content_type TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        bytes INTEGER NOT NULL,
        privacy TEXT NOT NULL CHECK (privacy IN ('private','family','kiosk')),
        moderation TEXT NOT NULL CHECK (moderation IN ('pending','safe','unsafe')),
        job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX media_created ON media(created_at, id);
      CREATE INDEX media_owner ON media(owner_id, created_at);

      -- Files an agent uploaded for one attempt of a job, before the job's result links them.
      CREATE TABLE job_artifacts (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        content_type TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        moderation TEXT NOT NULL CHECK (moderation IN ('pending','safe','unsafe')),
        uploaded_at INTEGER NOT NULL,
        PRIMARY KEY (job_id, attempt, name)
      );

      CREATE TABLE presets (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        type TEXT NOT NULL,
        input TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'kiosk pairing codes',
    sql: `
      -- One-time codes an admin makes to pair a wall display; only an HMAC of the code is kept.
      CREATE TABLE kiosk_pairing_codes (
        id INTEGER PRIMARY KEY,
        code_hash TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER,
        device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL
      );
    `,
  },
  {
    version: 4,
    name: 'artifacts remember the agent that uploaded them',
    sql: `
      -- The first agent to upload for a job's attempt owns that attempt; others are refused.
      ALTER TABLE job_artifacts ADD COLUMN agent_device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL;
    `,
  },
  {
    version: 6,
    name: 'agent tokens are bound to one MQTT identity',
    sql: `
      -- The agent id an agent token signed in to the embedded MQTT broker as (agent-<id>); bound at
      -- its first sign-in. A live token owns its id: another token may not take it until revoked.
      ALTER TABLE devices ADD COLUMN mqtt_agent_id TEXT;
      CREATE UNIQUE INDEX devices_mqtt_agent_id ON devices(mqtt_agent_id) WHERE mqtt_agent_id IS NOT NULL AND revoked_at IS NULL;
    `,
  },
];
