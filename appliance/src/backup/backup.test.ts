import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '@hearth/testkit';
import { createBackup, listBackups, restoreBackup, verifyBackup, writeBackupArchive } from './index.js';
import { applySchema, dumpDatabase, dumpFiles, fillDatabase, openLiveDatabase, writeMedia, writeSettings } from './test-fixture.js';
import type { Database } from '../db/sqlite-driver.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, 'cli.ts');
const KEY = 'correct horse battery staple';

let root: { path: string; remove(): Promise<void> };
let dataDir: string;
let backups: string;
let live: Database | undefined;

beforeEach(async () => {
  root = await tempDir('hearth-backup-');
  dataDir = join(root.path, 'data');
  backups = join(root.path, 'backups');
  await mkdir(dataDir);
  live = openLiveDatabase(join(dataDir, 'hearth.db'));
  applySchema(live);
  fillDatabase(live, 200);
  await writeSettings(dataDir);
  await writeMedia(dataDir, 12);
});

afterEach(async () => {
  live?.close();
  live = undefined;
  await root.remove();
});

/** Close the "appliance" connection, as `systemctl stop hearth-appliance` would. */
function stopAppliance(): void {
  live?.close();
  live = undefined;
}

describe('backup and restore', () => {
  it('round-trips a live WAL database, settings and media exactly', async () => {
    // Rows written after the last checkpoint exist only in hearth.db-wal; the online backup must include them.
    live!.pragma('wal_checkpoint(TRUNCATE)');
    fillDatabase(live!, 50, 200);
    expect((await stat(join(dataDir, 'hearth.db-wal'))).size).toBeGreaterThan(0);
    const dbBefore = dumpDatabase(join(dataDir, 'hearth.db'));
    const filesBefore = await dumpFiles(dataDir);

    const { dir, manifest } = await createBackup({ dataDir, backupRoot: backups, keep: 3, key: KEY });
    expect(manifest.database.tables).toMatchObject({ users: 250, sessions: 250, jobs: 250, media: 250 });
    expect(manifest.files.map((f) => f.path).filter((p) => p.startsWith('media/'))).toHaveLength(12);
    expect((await stat(join(dir, 'settings.json'))).mode & 0o777).toBe(0o600);

    stopAppliance();
    await rm(dataDir, { recursive: true });
    const result = await restoreBackup({ backupDir: dir, dataDir, key: KEY });
    expect(result.previousDir).toBeUndefined();
    expect(result.secrets).toBe('restored');

    expect(dumpDatabase(join(dataDir, 'hearth.db'))).toEqual(dbBefore);
    const filesAfter = await dumpFiles(dataDir);
    expect([...filesAfter.keys()]).toEqual([...filesBefore.keys()]);
    for (const [path, bytes] of filesBefore) expect(filesAfter.get(path)!.equals(bytes), path).toBe(true);
    expect((await stat(join(dataDir, 'settings.json'))).mode & 0o777).toBe(0o600);
  });

  it('moves a stale WAL aside so it is not replayed onto the restored database', async () => {
    const { dir } = await createBackup({ dataDir, backupRoot: backups, keep: 3 });
    const expected = dumpDatabase(join(dir, 'hearth.db'));
    live!.pragma('wal_checkpoint(TRUNCATE)');
    live!.prepare('DELETE FROM sessions').run();
    // Keep the WAL on disk (a crash leaves it like this), then let go of the file.
    const wal = await readFile(join(dataDir, 'hearth.db-wal'));
    stopAppliance();
    await writeFile(join(dataDir, 'hearth.db-wal'), wal);

    const { previousDir } = await restoreBackup({ backupDir: dir, dataDir });
    expect(dumpDatabase(join(dataDir, 'hearth.db'))).toEqual(expected);
    expect(existsSync(join(previousDir!, 'hearth.db-wal'))).toBe(true);
    expect(existsSync(join(previousDir!, 'hearth.db'))).toBe(true);
  });

  it('refuses to restore over a database that a process holds open, unless forced', async () => {
    const { dir } = await createBackup({ dataDir, backupRoot: backups, keep: 3 });
    // restoreBackup ignores its own process, so the "running appliance" is a separate sqlite3
    // process with the database open.
    const holder = execFile('sqlite3', [join(dataDir, 'hearth.db')]);
    holder.stdin!.write('BEGIN; SELECT count(*) FROM users;\n');
    try {
      await expect
        .poll(
          async () => {
            const err = await restoreBackup({ backupDir: dir, dataDir }).then(
              () => undefined,
              (e: Error) => e,
            );
            return err?.message;
          },
          { timeout: 10_000 },
        )
        .toMatch(new RegExp(`open by pid ${holder.pid} \\(sqlite3 .*stop the appliance first`));
      expect(dumpDatabase(join(dataDir, 'hearth.db'))).toBeTruthy();
      stopAppliance();
      const forced = await restoreBackup({ backupDir: dir, dataDir, force: true });
      expect(forced.previousDir).toBeDefined();
    } finally {
      holder.kill();
    }
  });

  it('refuses a backup whose files do not match the manifest, naming the file', async () => {
    const { dir, manifest } = await createBackup({ dataDir, backupRoot: backups, keep: 3 });
    const victim = manifest.files.find((f) => f.path.startsWith('media/'))!;
    const bytes = await readFile(join(dir, victim.path));
    bytes[10] = bytes[10]! ^ 0xff;
    await rm(join(dir, victim.path)); // it may be a hard link shared with the live data; break the link first
    await writeFile(join(dir, victim.path), bytes);
    stopAppliance();
    const before = await dumpFiles(dataDir);

    await expect(restoreBackup({ backupDir: dir, dataDir })).rejects.toThrow(`${victim.path}: checksum mismatch`);
    await expect(verifyBackup(dir)).rejects.toThrow(/damaged/);
    const after = await dumpFiles(dataDir);
    for (const [path, b] of before) expect(after.get(path)!.equals(b)).toBe(true);
  });

  it('rejects a manifest that points outside the data dir', async () => {
    const { dir } = await createBackup({ dataDir, backupRoot: backups, keep: 3 });
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    manifest.files.push({ path: 'media/../../etc/passwd', size: 1, sha256: 'a'.repeat(64) });
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
    await expect(restoreBackup({ backupDir: dir, dataDir })).rejects.toThrow(/invalid field \/files\/\d+\/path/);
  });

  it('keeps the newest N backups, shares unchanged media by hard link, and clears interrupted runs', async () => {
    let t = Date.UTC(2026, 0, 1, 3, 30);
    const now = () => new Date((t += 86_400_000));
    const first = await createBackup({ dataDir, backupRoot: backups, keep: 3, now });
    await mkdir(join(backups, '.partial-hearth-20250101T000000000Z'));
    const made = [first.dir];
    for (let i = 0; i < 3; i++) {
      await writeMedia(dataDir, 1);
      made.push((await createBackup({ dataDir, backupRoot: backups, keep: 3, now })).dir);
    }
    const listed = await listBackups(backups);
    expect(listed.map((b) => b.dir)).toEqual(made.slice(1));
    expect(await readdir(backups)).toHaveLength(3);
    const last = await createBackup({ dataDir, backupRoot: backups, keep: 3, now });
    expect(last.linked).toBe(15);
    const shared = last.manifest.files.find((f) => f.path.startsWith('media/'))!;
    expect((await stat(join(last.dir, shared.path))).nlink).toBeGreaterThan(1);
  });

  it('streams a .tar.gz that extracts to a restorable backup', async () => {
    fillDatabase(live!, 10, 500);
    const expected = dumpDatabase(join(dataDir, 'hearth.db'));
    const filesBefore = await dumpFiles(dataDir);
    const archive = join(root.path, 'download.tar.gz');
    const manifest = await writeBackupArchive(dataDir, createWriteStream(archive), { scratchDir: root.path, key: KEY });
    expect(manifest.files).toHaveLength(15);
    expect(manifest.secrets).toBe('encrypted');

    const extracted = join(root.path, 'extracted');
    await mkdir(extracted);
    await run('tar', ['-xzf', archive, '-C', extracted]);
    const [folder] = await readdir(extracted);
    stopAppliance();
    await rm(dataDir, { recursive: true });
    const token = JSON.parse(filesBefore.get('settings.json')!.toString()).homeAssistant.token as string;
    const { stdout } = await run('grep', ['-rlF', token, extracted]).catch((err: { stdout: string }) => err);
    expect(stdout).toBe('');
    await restoreBackup({ backupDir: join(extracted, folder!), dataDir, key: KEY });
    expect(dumpDatabase(join(dataDir, 'hearth.db'))).toEqual(expected);
    const filesAfter = await dumpFiles(dataDir);
    for (const [path, bytes] of filesBefore) expect(filesAfter.get(path)!.equals(bytes), path).toBe(true);
  });
});

describe('secrets in backups', () => {
  const tokenOf = async (dir: string) =>
    (JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as { homeAssistant: { token?: string } }).homeAssistant.token;

  it('seals them with the key: nothing secret in clear, restored only with the right key', async () => {
    const token = await tokenOf(dataDir);
    expect(token).toBeTruthy();
    const { dir, manifest } = await createBackup({ dataDir, backupRoot: backups, keep: 3, key: KEY });
    expect(manifest.secrets).toBe('encrypted');
    const { stdout } = await run('grep', ['-rlF', token!, dir]).catch((err: { stdout: string }) => err);
    expect(stdout).toBe('');
    expect(await tokenOf(dir)).toBeUndefined();
    stopAppliance();

    await expect(restoreBackup({ backupDir: dir, dataDir, key: 'not the key it was made with' })).rejects.toThrow(/does not open this backup's secrets/);
    // Without the key: everything else comes back; the secrets do not, and the result says so.
    const without = await restoreBackup({ backupDir: dir, dataDir, force: true });
    expect(without.secrets).toBe('no-key');
    expect(await tokenOf(dataDir)).toBeUndefined();
    const fresh = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as { secrets: { sessionSecret: string }; homeAssistant: { url: string } };
    expect(fresh.secrets.sessionSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh.homeAssistant.url).toBe('http://ha.local:8123');
    // With it: the settings exactly as they were.
    const withKey = await restoreBackup({ backupDir: dir, dataDir, key: KEY, force: true });
    expect(withKey.secrets).toBe('restored');
    expect(await tokenOf(dataDir)).toBe(token);
  });

  it('leaves them out without a key, and says so on restore', async () => {
    const { dir, manifest } = await createBackup({ dataDir, backupRoot: backups, keep: 3 });
    expect(manifest.secrets).toBe('omitted');
    expect(manifest.files.map((f) => f.path)).not.toContain('secrets.enc');
    expect(await tokenOf(dir)).toBeUndefined();
    stopAppliance();
    const restored = await restoreBackup({ backupDir: dir, dataDir, key: KEY, force: true });
    expect(restored.secrets).toBe('not-in-backup');
    expect(await tokenOf(dataDir)).toBeUndefined();
  });
});

describe('backup CLI', () => {
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, HEARTH_DATA_DIR: dataDir, HEARTH_BACKUP_DIR: backups } });

  it('backs up, lists with verification and restores', async () => {
    const made = await cli('backup', '--keep', '2');
    expect(made.stdout).toMatch(/^backup .*hearth-\d{8}T\d{9}Z: 14 files/);
    const folder = made.stdout.split(' ')[1]!.replace(/:$/, '');
    await appendFile(join(folder, 'settings.json'), ' ');
    const listed = await cli('list', '--verify');
    expect(listed.stdout).toMatch(/hearth-\S+ .* 14 files .* 800 rows\s+DAMAGED: settings\.json: size/);

    await expect(cli('restore', folder)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/settings\.json: size/) });
    const good = (await cli('backup')).stdout.split(' ')[1]!.replace(/:$/, '');
    stopAppliance();
    const restored = await cli('restore', good);
    expect(restored.stdout).toMatch(/^restored 14 files/);
    expect(restored.stdout).toMatch(/secrets NOT restored \(the backup was made without HEARTH_BACKUP_KEY\)/);
  });

  it('rejects unknown commands and options with a usage message', async () => {
    await expect(cli('explode')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "explode"') });
    await expect(cli('backup', '--keep', 'lots')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--keep must be') });
    await expect(cli('list', '--force')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--force does not apply to list') });
    await expect(cli('backup', '--bogus')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
  });
});
