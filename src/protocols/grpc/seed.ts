import { DomainError } from '../../domain/errors.js';
import { msg } from '../../domain/i18n/index.js';
import type { User } from '../../domain/users/schemas.js';
import type { CallContext } from '../../runtime/context.js';
import { invalidField, type GrpcCore, type GrpcMethod, type Message } from './core.js';
import { SEED_PAGE, SEED_SERVICE, TRAILERS } from './spec.js';

/**
 * The source material's `user.UserService` (proto/user.proto, verbatim)
 * over the same runtime calls every style makes. Its messages differ from
 * the contract's — string ids, a three-field User, a streamed ListUsers —
 * so this mapping is written by hand; the semantics are the source's:
 * unknown ids are NOT_FOUND, CreateUser with an id or email that exists is
 * ALREADY_EXISTS, and ids are assigned by the server.
 */
const seedUser = (u: User): Message => ({ id: String(u.id), name: u.name, email: u.email });

/** The seed's ids are strings; ours are positive integers. Anything else is INVALID_ARGUMENT naming `id`. */
function parseId(raw: unknown): number {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') throw invalidField('id', msg('field.required'));
  if (!/^\d{1,15}$/.test(text)) throw invalidField('id', msg('field.decimal'));
  return Number(text);
}

/**
 * `page_token` is opaque to clients (AIP-158): the contract's keyset cursor
 * (domain/query/cursor.ts), so page 100,000 costs what page 1 does. Empty
 * starts at the beginning; only cursors this server made for this listing
 * are accepted, and a refused one is reported under `page_token`.
 */
function refusedToken(err: unknown): unknown {
  if (err instanceof DomainError && err.kind === 'VALIDATION' && err.problems.some((f) => f.field === 'cursor')) return invalidField('page_token', msg('field.pageToken'));
  return err;
}

/** page_size: 0 (unset) means the default; above the maximum is coerced to it (AIP-158); negative is refused. */
function pageSize(raw: unknown): number {
  const n = typeof raw === 'number' ? raw : 0;
  if (n < 0) throw invalidField('page_size', msg('field.notNegative'));
  return n === 0 ? SEED_PAGE.defaultSize : Math.min(n, SEED_PAGE.maxSize);
}

export function seedMethods(core: GrpcCore): GrpcMethod[] {
  const { runtime } = core;
  const path = (method: string) => `/${SEED_SERVICE}/${method}`;
  const unary = (method: string, run: (request: Message, ctx: CallContext) => Promise<Message>): GrpcMethod => ({
    path: path(method),
    kind: 'unary',
    handle: (request, call) => {
      const ctx = core.context(call);
      return core.guard(ctx, () => run(request, ctx));
    },
  });

  return [
    unary('GetUser', async (req, ctx) => seedUser((await runtime.call('getUser', ctx, { id: parseId(req.id) })) as User)),

    unary('CreateUser', async (req, ctx) => {
      // An id the client proposes is never used (ids are ours to assign), but one that is taken is a conflict, as in the source.
      if (req.id !== '') {
        const id = parseId(req.id);
        const existing = await runtime.attempt('getUser', ctx, { id });
        if (existing.ok) throw new DomainError('CONFLICT', msg('grpc.userExists', { id }), { fields: [{ field: 'id', message: msg('field.alreadyExists') }] });
        if (existing.error.kind !== 'NOT_FOUND') throw existing.error;
      }
      return seedUser((await runtime.call('createUser', ctx, { name: req.name, email: req.email })) as User);
    }),

    // A full replacement of name and email; role and password are kept (the contract's updateUser).
    unary('UpdateUser', async (req, ctx) =>
      seedUser((await runtime.call('updateUser', ctx, { id: parseId(req.id), name: req.name, email: req.email })) as User),
    ),

    unary('DeleteUser', async (req, ctx) => {
      await runtime.call('deleteUser', ctx, { id: parseId(req.id) });
      return {};
    }),

    {
      path: path('ListUsers'),
      kind: 'server-stream',
      // One page of the contract's listUsers, streamed a user at a time; the next page's token goes in a trailer.
      handle: async (req, call) => {
        const ctx = core.context(call);
        const page = await core.guard(ctx, async () => {
          const limit = pageSize(req.pageSize);
          const cursor = typeof req.pageToken === 'string' ? req.pageToken : '';
          const p = (await runtime.call('listUsers', ctx, { limit, cursor }).catch((err: unknown) => {
            throw refusedToken(err);
          })) as { items: User[]; nextCursor?: string };
          return { items: p.items, next: p.nextCursor ?? '' };
        });
        return {
          messages: (async function* () {
            for (const u of page.items) yield seedUser(u);
          })(),
          trailers: (): Record<string, string> => (page.next ? { [TRAILERS.nextPageToken]: page.next } : {}),
        };
      },
    },
  ];
}
