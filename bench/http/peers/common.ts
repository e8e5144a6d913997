/** What every peer server answers for "get user 1": the same bytes polyface returns, as a constant. */
export const USER = { id: 1, name: 'Alice', email: 'alice@example.com', role: 'user', createdAt: '2026-01-15T09:00:00.000Z', updatedAt: '2026-01-15T09:00:00.000Z', version: 1 };

/** Peers listen on PORT and say so on stdout, so the harness knows when to start measuring. */
export const port = (): number => Number(process.env.PORT ?? 0);
export const ready = (p: number): void => void process.stdout.write(`ready ${p}\n`);
