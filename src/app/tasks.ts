import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { StartupError } from '../infra/startup-error.js';
import { ADMIN_SUBJECT, type Principal } from '../domain/principal.js';
import { UserService } from '../domain/users/service.js';
import { systemClock } from '../infra/clock.js';
import type { Config } from '../infra/config.js';
import { ScryptHasher } from '../infra/passwords.js';
import { connectDatabase, QueryCounter, storageStartupError } from '../infra/storage/database.js';
import { migrate } from '../infra/storage/migrations.js';
import type { Database } from '../infra/storage/schema.js';
import { seedDemoData } from '../infra/storage/seed.js';
import { SqlSettingsRepository } from '../infra/storage/settings-repo.js';
import { SqlUnitOfWork } from '../infra/storage/unit-of-work.js';
import { SqlUserRepository } from '../infra/storage/users-repo.js';
import { buildApp } from './app.js';

/**
 * What the `polyface` CLI does besides serving: operator tasks on the
 * database DATABASE_URL names, through the same storage code and domain
 * rules the gateway uses (a new admin is validated like any user; a new
 * password revokes the user's tokens), without starting a server.
 */

const ADMIN: Principal = { subject: ADMIN_SUBJECT, role: 'admin', userId: null };

async function withStorage<T>(config: Config, work: (db: Kysely<Database>, applied: string[]) => Promise<T>): Promise<T> {
  const db = await connectDatabase(config.databaseUrl, new QueryCounter(), config.database);
  try {
    let applied: string[];
    try {
      applied = await migrate(db);
    } catch (err) {
      throw storageStartupError(config.databaseUrl, err);
    }
    return await work(db, applied);
  } finally {
    await db.destroy();
  }
}

// The CLI writes through the same unit of work as the gateway, so its changes reach the outbox (a running gateway's
// subscribers replay them; its credential cache forgets within AUTH_CACHE_TTL_SECONDS, tokens are refused at once).
const users = (db: Kysely<Database>) => new UserService(new SqlUserRepository(db), new ScryptHasher(), new SqlUnitOfWork(db, systemClock));

export function migrateTask(config: Config): Promise<string[]> {
  return withStorage(config, async (_db, applied) => applied);
}

/** Demo data into an empty database; false when it already holds data. */
export function seedTask(config: Config, say: (line: string) => void): Promise<boolean> {
  return withStorage(config, (db) => seedDemoData(db, new ScryptHasher(), config.demoPassword, say));
}

/** A user with the admin role (the `admin` login itself has no user record; it comes from ADMIN_PASSWORD). */
export function createAdminTask(config: Config, input: { name: string; email: string; password: string }): Promise<{ id: number; email: string }> {
  return withStorage(config, async (db) => {
    const user = await users(db).create({ caller: ADMIN }, { ...input, role: 'admin' });
    return { id: user.id, email: user.email ?? input.email.trim().toLowerCase() };
  });
}

/**
 * A new password for `admin` (stored as the admin hash; ADMIN_PASSWORD, if
 * set, wins at the next start) or for a user by email (their tokens stop
 * working). Returns what was changed.
 */
export function resetPasswordTask(config: Config, login: string, password: string): Promise<string> {
  return withStorage(config, async (db) => {
    if (login === ADMIN_SUBJECT) {
      if (password.length < 8) throw new StartupError('password', 'The password must be at least 8 characters');
      await new SqlSettingsRepository(db).set('admin_password_hash', await new ScryptHasher().hash(password));
      return 'admin';
    }
    const found = await new SqlUserRepository(db).findByEmail(login.trim().toLowerCase());
    if (!found) throw new StartupError('login', `No user has the email ${login}`);
    await users(db).patch({ caller: ADMIN }, { id: found.id, password });
    return found.email;
  });
}

/**
 * Every contract document the faces publish (OpenAPI, OpenRPC, WSDL, SDL,
 * and whatever a style adds, such as .proto files), written into `dir`.
 * The gateway is built in memory to ask its styles; nothing is served or stored.
 */
export async function exportContractsTask(config: Config, dir: string, baseUrl: string): Promise<string[]> {
  const app = await buildApp(
    { ...config, databaseUrl: ':memory:', seedDemoData: false, jwtSecret: 'export-contracts', adminPassword: 'export-contracts', logLevel: 'silent', tracing: { ...config.tracing, otlpEndpoint: undefined } },
    () => {},
  );
  try {
    const written: string[] = [];
    for (const face of app.faces) {
      for (const doc of face.contracts ?? []) {
        const target = resolve(dir, doc.file);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, doc.render(baseUrl));
        written.push(join(dir, doc.file));
      }
    }
    return written;
  } finally {
    await app.close();
  }
}
