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
    version: 5,
    name: 'attempts bound to agents; media items share files',
    sql: `
      -- The agent that started each attempt of a job: only it uploads into the attempt or reads its inputs.
      CREATE TABLE job_runs (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        agent_device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
        started_at INTEGER NOT NULL,
        PRIMARY KEY (job_id, attempt)
      );
      CREATE INDEX job_runs_agent ON job_runs(agent_device_id);

      -- A media item's bytes (sha256, content-addressed on disk): two owners of the same picture
      -- get two items sharing one file.
      ALTER TABLE media ADD COLUMN file TEXT;
      UPDATE media SET file = id;
      CREATE INDEX media_file ON media(file);
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
  {
    version: 8,
    name: 'computers remembered with what they ever offered; dismissed first-run checklists',
    sql: `
      -- Every agent that ever announced itself, with each capability it has ever offered and its MACs:
      -- a job for a capability no computer ever offered is refused, and only computers that offered
      -- it are woken. Retained MQTT messages alone would forget them when the broker restarts.
      CREATE TABLE known_agents (
        agent_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        capabilities TEXT NOT NULL DEFAULT '[]',
        macs TEXT NOT NULL DEFAULT '[]',
        gpus INTEGER NOT NULL DEFAULT 0,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      );

      CREATE TABLE checklist_dismissals (
        user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        dismissed_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 9,
    name: 'comics: documents with pages, panels, bubbles and characters',
    sql: `
      -- A comic is a document; version grows by one on every save (the ETag).
      CREATE TABLE comics (
        id INTEGER PRIMARY KEY,
        owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        premise TEXT NOT NULL DEFAULT '',
        privacy TEXT NOT NULL CHECK (privacy IN ('private','family','kiosk')),
        version INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        -- In the trash since; purged 30 days later.
        deleted_at INTEGER,
        -- The latest render job and the version it drew.
        render_job_id TEXT REFERENCES jobs(id) ON DELETE SET NULL,
        render_version INTEGER,
        -- The render's pages were given the comic's privacy (gallery, kiosk) once it succeeded.
        render_published INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX comics_owner ON comics(owner_id, updated_at);
      CREATE INDEX comics_deleted ON comics(deleted_at) WHERE deleted_at IS NOT NULL;

      CREATE TABLE comic_characters (
        comic_id INTEGER NOT NULL REFERENCES comics(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        ref_media_id TEXT,
        seed INTEGER NOT NULL,
        style TEXT NOT NULL,
        PRIMARY KEY (comic_id, id)
      );

      CREATE TABLE comic_pages (
        comic_id INTEGER NOT NULL REFERENCES comics(id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        layout TEXT NOT NULL,
        PRIMARY KEY (comic_id, id)
      );

      CREATE TABLE comic_panels (
        comic_id INTEGER NOT NULL,
        page_id TEXT NOT NULL,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        slot INTEGER NOT NULL,
        media_id TEXT,
        crop_x REAL NOT NULL,
        crop_y REAL NOT NULL,
        crop_zoom REAL NOT NULL,
        prompt TEXT NOT NULL,
        characters TEXT NOT NULL,
        PRIMARY KEY (comic_id, id),
        FOREIGN KEY (comic_id, page_id) REFERENCES comic_pages(comic_id, id) ON DELETE CASCADE
      );

      CREATE TABLE comic_bubbles (
        comic_id INTEGER NOT NULL,
        panel_id TEXT NOT NULL,
        id TEXT NOT NULL,
        position INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('speech','thought','caption','shout')),
        speaker TEXT NOT NULL,
        text TEXT NOT NULL,
        x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
        tail_x REAL, tail_y REAL,
        by_hand INTEGER NOT NULL,
        PRIMARY KEY (comic_id, id),
        FOREIGN KEY (comic_id, panel_id) REFERENCES comic_panels(comic_id, id) ON DELETE CASCADE
      );
    `,
  },
  {
    version: 10,
    name: 'pipelines: a parent row whose steps are jobs',
    sql: `
      CREATE TABLE pipelines (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        subject TEXT,
        status TEXT NOT NULL CHECK (status IN ('running','succeeded','failed','cancelled')),
        -- What the kind needs to build its steps' inputs (JSON).
        input TEXT NOT NULL,
        owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX pipelines_running ON pipelines(status) WHERE status = 'running';
      CREATE INDEX pipelines_subject ON pipelines(subject);

      CREATE TABLE pipeline_steps (
        pipeline_id INTEGER NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        position INTEGER NOT NULL,
        title TEXT NOT NULL,
        job_type TEXT NOT NULL,
        needs TEXT NOT NULL,
        -- Set in the same transaction that inserts the job: a step never gets two jobs.
        job_id TEXT UNIQUE REFERENCES jobs(id) ON DELETE SET NULL,
        -- The kind's follow-up on the step's result (e.g. bubbles filled in) is done once.
        applied INTEGER NOT NULL DEFAULT 0,
        -- Why the step's job could not even be submitted (a rule, the quota).
        error TEXT,
        PRIMARY KEY (pipeline_id, key)
      );
    `,
  },
  {
    version: 11,
    name: 'stories, and pipeline steps that wait for approval',
    sql: `
      -- A gated step starts only once a person approved what came before it ('waiting' -> 'approved').
      ALTER TABLE pipeline_steps ADD COLUMN gate TEXT CHECK (gate IN ('waiting','approved'));

      -- A narrated story; its steps are a pipeline. scenes: the storyboard and what was made of it (JSON).
      CREATE TABLE stories (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        pipeline_id INTEGER NOT NULL UNIQUE REFERENCES pipelines(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        premise TEXT NOT NULL,
        characters TEXT NOT NULL,
        scene_count INTEGER NOT NULL,
        voice TEXT NOT NULL,
        language TEXT NOT NULL,
        audience TEXT NOT NULL CHECK (audience IN ('child','family')),
        pictures TEXT NOT NULL CHECK (pictures IN ('generate','photos')),
        photo_ids TEXT NOT NULL,
        privacy TEXT NOT NULL DEFAULT 'private' CHECK (privacy IN ('private','family','kiosk')),
        scenes TEXT NOT NULL DEFAULT '[]',
        video_id TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX stories_owner ON stories(owner_id, id);
    `,
  },
];
