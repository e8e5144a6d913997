import { GraphqlClient } from './graphql.js';
import { GrpcClient } from './grpc.js';
import { JsonRpcClient } from './jsonrpc.js';
import { RestClient } from './rest.js';
import { SoapClient } from './soap.js';
import type { ProtocolClient } from './types.js';

export type { Call, EventSubscription, Outcome, Protocol, ProtocolClient, Selection, SubscribeOptions } from './types.js';
export { EventStreamError } from './stream.js';

/** Every API style polyface serves, as a client each; SOAP counts once per envelope version. */
export const CLIENT_VARIANTS = {
  rest: (baseUrl: string) => new RestClient(baseUrl),
  graphql: (baseUrl: string) => new GraphqlClient(baseUrl),
  jsonrpc: (baseUrl: string) => new JsonRpcClient(baseUrl),
  'soap-1.1': (baseUrl: string) => new SoapClient(baseUrl, { version: '1.1' }),
  'soap-1.2': (baseUrl: string) => new SoapClient(baseUrl, { version: '1.2' }),
  // h2c on the front door's own port: the same address every other style uses.
  grpc: (baseUrl: string) => new GrpcClient(baseUrl),
} as const satisfies Record<string, (baseUrl: string) => ProtocolClient>;

export type ClientVariant = keyof typeof CLIENT_VARIANTS;

export function createClients(baseUrl: string): Record<ClientVariant, ProtocolClient> {
  const clients = {} as Record<ClientVariant, ProtocolClient>;
  for (const name of Object.keys(CLIENT_VARIANTS) as ClientVariant[]) clients[name] = CLIENT_VARIANTS[name](baseUrl);
  return clients;
}
