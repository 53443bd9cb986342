import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * The SQLite driver for this Node. better-sqlite3 12 (built from source here) is the one Node 20
 * can run; Node 24.19+ aborts it when the GC finalizes a statement (nodejs/node#65446, its legacy
 * ObjectWrap). better-sqlite3 13 uses Node-API and ships prebuilt binaries (x64 and arm64), but
 * needs Node ≥ 22 — so Node 22 and later load 13, installed under the alias better-sqlite3-napi.
 * Both have the same API.
 */
const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

export const Database: typeof BetterSqlite3 = require(major >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3');
export type Database = BetterSqlite3.Database;
