import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContext, runtimeFixture, type RuntimeFixture } from '../../../test/support/runtime.js';
import { bearer, fromAuthorization } from '../../runtime/credentials.js';
import { RpcCore, type RpcSession } from './core.js';

/**
 * The JSON-RPC core with plain text in and replies out, no HTTP and no
 * WebSocket: the specification's rules and the runtime door, shown without a
 * socket. The bindings' tests (test/jsonrpc/) cover HTTP statuses and frames.
 */
let f: RuntimeFixture;
let core: RpcCore;
let alice: string;

beforeAll(async () => {
  f = await runtimeFixture();
  core = new RpcCore(f.runtime, 3, () => ({ openrpc: '1.3.2' }));
  alice = await f.token('alice@example.com');
});
afterAll(() => f.close());

const session = (token?: string, adopt?: (t: string) => void): RpcSession => ({
  ctx: createContext({ ...f.init(), style: 'jsonrpc', credentials: token ? bearer(token) : undefined }),
  ...(adopt ? { adopt } : {}),
});

describe('RpcCore', () => {
  it('answers a call with its result, the id echoed with its type', async () => {
    expect(await core.handleText('{"jsonrpc":"2.0","method":"getProduct","params":{"id":1},"id":"a"}', session(alice))).toEqual({
      jsonrpc: '2.0',
      id: 'a',
      result: { id: 1, name: 'Laptop', price: '50.00' },
    });
  });

  it('maps positional params onto the input in declaration order', async () => {
    expect(await core.handleText('{"jsonrpc":"2.0","method":"getUser","params":[2],"id":1}', session(alice))).toMatchObject({ result: { name: 'Bob' } });
    const tooMany = (await core.handleText('{"jsonrpc":"2.0","method":"getUser","params":[2,3],"id":1}', session(alice))) as { error: unknown };
    expect(tooMany.error).toMatchObject({ code: -32602, data: { kind: 'VALIDATION', fields: [{ field: 'params' }] } });
  });

  it('parse errors, invalid requests and unknown methods are the specification\'s errors', async () => {
    expect(await core.handleText('{"jsonrpc":', session())).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    expect(await core.handleText('{"jsonrpc":"2.0","method":1,"id":5}', session())).toMatchObject({ id: 5, error: { code: -32600 } });
    expect(await core.handleText('{"jsonrpc":"2.0","method":"nope","id":5}', session())).toMatchObject({ id: 5, error: { code: -32601 } });
    expect(await core.handleText('[]', session())).toMatchObject({ id: null, error: { code: -32600 } });
  });

  it('a batch answers its calls but not its notifications, and a batch past the limit runs nothing', async () => {
    const reply = await core.handleText(
      JSON.stringify([
        { jsonrpc: '2.0', method: 'getProduct', params: { id: 2 }, id: 1 },
        { jsonrpc: '2.0', method: 'getProduct', params: { id: 1 } },
        { jsonrpc: '2.0', method: 'getUser', params: { id: 999 }, id: 2 },
      ]),
      session(alice),
    );
    expect(reply).toEqual([
      { jsonrpc: '2.0', id: 1, result: { id: 2, name: 'Mouse', price: '25.50' } },
      { jsonrpc: '2.0', id: 2, error: { code: -32004, message: 'User 999 not found', data: { kind: 'NOT_FOUND' } } },
    ]);
    const create = vi.spyOn(f.services.products, 'create');
    const over = await core.handleText(JSON.stringify(Array.from({ length: 4 }, (_, i) => ({ jsonrpc: '2.0', method: 'createProduct', params: { name: `P${i}`, price: 1 }, id: i }))), session(await f.token()));
    expect(over).toMatchObject({ id: null, error: { code: -32600, data: { maxBatch: 3 } } });
    expect(create).not.toHaveBeenCalled();
  });

  it('checks the credentials of a batch once, however many calls need them', async () => {
    const authenticate = vi.spyOn(f.services.auth, 'authenticate');
    const fresh = await f.token('bob@example.com');
    const batch = [1, 2, 3].map((id) => ({ jsonrpc: '2.0', method: 'getProduct', params: { id: (id % 2) + 1 }, id }));
    const s = { ctx: createContext({ ...f.init(), style: 'jsonrpc', credentials: fromAuthorization(`Bearer ${fresh}`) }) };
    expect(await core.handleText(JSON.stringify(batch), s)).toHaveLength(3);
    expect(authenticate).toHaveBeenCalledTimes(1);
    authenticate.mockRestore();
  });

  it('without credentials, calls that need a caller fail on their own while login and rpc.discover work', async () => {
    const reply = await core.handleText(
      JSON.stringify([
        { jsonrpc: '2.0', method: 'getUser', params: { id: 1 }, id: 1 },
        { jsonrpc: '2.0', method: 'rpc.discover', id: 2 },
      ]),
      session(),
    );
    expect(reply).toEqual([
      { jsonrpc: '2.0', id: 1, error: { code: -32001, message: 'Authentication required', data: { kind: 'UNAUTHENTICATED' } } },
      { jsonrpc: '2.0', id: 2, result: { openrpc: '1.3.2' } },
    ]);
  });

  it('hands a session the token a successful login returned', async () => {
    const adopted: string[] = [];
    const reply = (await core.handleText(
      JSON.stringify({ jsonrpc: '2.0', method: 'login', params: { username: 'alice@example.com', password: 'demo-password' }, id: 1 }),
      session(undefined, (t) => adopted.push(t)),
    )) as { result: { access_token: string } };
    expect(adopted).toEqual([reply.result.access_token]);
  });

  it('a method that throws is an internal error: the id kept, the cause logged, its message never sent', async () => {
    const broken = new RpcCore(f.runtime, 3, () => {
      throw new Error('secret detail of a failure');
    });
    const answer = await broken.handleText('{"jsonrpc":"2.0","method":"rpc.discover","id":7}', session());
    expect(answer).toMatchObject({ jsonrpc: '2.0', id: 7, error: { code: -32603, data: { kind: 'INTERNAL' } } });
    expect(JSON.stringify(answer)).not.toContain('secret detail');
    // A notification's failure is not answered either (§4.1).
    expect(await broken.handleText('{"jsonrpc":"2.0","method":"rpc.discover"}', session())).toBeNull();
  });
});
