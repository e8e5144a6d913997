import { LazyBinding } from '../../src/app/lazy-binding.js';
import { TYPES } from '../../src/app/tokens.js';
import { loadConfig, type Config } from '../../src/infra/config.js';
import type { GraphqlHttp } from '../../src/protocols/graphql/http.js';
import type { TestServer } from '../support/server.js';

export interface GqlResponse {
  status: number;
  contentType: string;
  body: { data?: Record<string, any> | null; errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[] };
}

/** POSTs one GraphQL request the way a plain client would. */
export async function gql(
  url: string,
  query: string,
  opts: { token?: string; variables?: Record<string, unknown>; accept?: string; authorization?: string } = {},
): Promise<GqlResponse> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: opts.accept ?? 'application/json' };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.authorization) headers.Authorization = opts.authorization;
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables: opts.variables }) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as GqlResponse['body'] };
}

/** Config overrides for the GraphQL limits, keeping the other defaults. */
export const graphqlConfig = (g: Partial<Config['graphql']>): Partial<Config> => ({ graphql: { ...loadConfig({}).graphql, ...g } });

/** The nested query from the source material (000_*.txt, GraphQL section), with a real id. */
export const SOURCE_QUERY = `{
  user(id: "1") {
    id
    name
    email
    orders {
      id
      createdAt
      items {
        product {
          name
          price
        }
        quantity
      }
      totalAmount
    }
  }
}`;

/** The server's GraphQL binding, built (the app builds it on GraphQL's first request: src/app/styles.ts). */
export async function graphqlBinding(server: TestServer): Promise<GraphqlHttp> {
  const binding = server.app.container.getAll(TYPES.HttpBinding).find((b) => b.name === 'graphql');
  if (!(binding instanceof LazyBinding)) throw new Error('no lazily built GraphQL binding');
  return (await binding.built()) as GraphqlHttp;
}
