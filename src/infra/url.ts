/**
 * A service URL with its password replaced by `***`, for startup lines and logs (a secret in DATABASE_URL or
 * REDIS_URL must never reach a terminal or a log collector); undefined when the text is not a URL.
 */
export function withoutPassword(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return undefined;
  }
}
