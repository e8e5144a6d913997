// The GraphQL peer: graphql-http's own node:http handler, by default (parse + validate every request), or with
// a parsed-and-validated document cache keyed by query text (CACHE=1), resolving the user as a constant.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, parse, validate, type DocumentNode } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import { port, ready, USER } from './common.js';

const schema = buildSchema('type User { id: ID! name: String! email: String! } type Query { user(id: ID!): User }');
const rootValue = { user: () => USER };
const cache = new Map<string, DocumentNode>();
const handler = createHandler({
  schema,
  rootValue,
  ...(process.env.CACHE === '1'
    ? {
        onSubscribe: (_req, params) => {
          let document = cache.get(params.query);
          if (!document) {
            document = parse(params.query);
            const errors = validate(schema, document);
            if (errors.length) return errors;
            cache.set(params.query, document);
          }
          return { schema, rootValue, document, operationName: params.operationName, variableValues: params.variables };
        },
      }
    : {}),
});
const server = createServer(handler);
server.listen(port(), '127.0.0.1', () => ready((server.address() as AddressInfo).port));
