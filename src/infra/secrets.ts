import { randomBytes } from 'node:crypto';
import type { PasswordHasher, SettingsRepository } from '../domain/ports.js';

/**
 * Secrets come from configuration. When one is missing it is generated on the
 * first start and kept in the database (the admin password only as a hash),
 * so restarts neither lock the admin out nor invalidate issued tokens.
 */
export async function resolveJwtSecret(configured: string | undefined, settings: SettingsRepository): Promise<string> {
  if (configured) return configured;
  const stored = await settings.get('jwt_secret');
  if (stored) return stored;
  const secret = randomBytes(32).toString('base64url');
  await settings.set('jwt_secret', secret);
  return secret;
}

/**
 * The `admin` login's password. ADMIN_PASSWORD, when set, is the password
 * at every start: its hash replaces the stored one (so a later start
 * without the variable keeps it, and nothing is printed). Unset, the
 * stored hash is used, or on the first start a password is generated,
 * announced once and stored as a hash. Gives the hash the `admin` login
 * is checked against.
 */
export async function resolveAdminPasswordHash(
  configured: string | undefined,
  settings: SettingsRepository,
  hasher: PasswordHasher,
  announce: (message: string) => void,
): Promise<string> {
  const stored = await settings.get('admin_password_hash');
  let hash: string;
  if (configured) {
    if (stored && (await hasher.verify(configured, stored))) {
      hash = stored;
    } else {
      hash = await hasher.hash(configured);
      await settings.set('admin_password_hash', hash);
      if (stored) announce('ADMIN_PASSWORD is set and differs from the stored admin password: the admin password is now ADMIN_PASSWORD.');
    }
  } else if (stored) {
    hash = stored;
  } else {
    const generated = generatePassword();
    hash = await hasher.hash(generated);
    await settings.set('admin_password_hash', hash);
    announce(`No ADMIN_PASSWORD set: generated the admin password "${generated}" (shown once; set ADMIN_PASSWORD to choose your own).`);
  }
  return hash;
}

export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}
