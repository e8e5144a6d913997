import { CLIENT_VARIANTS } from '../clients/index.js';
import type { StyleClient } from './scenarios.js';

export interface Style {
  /** The client registration's name (`rest`, `soap-1.2`, …). */
  readonly id: string;
  /** How tables and charts name it. */
  readonly label: string;
  create(baseUrl: string): StyleClient;
}

/** Display names for the styles the source material names; a new registration without one shows its id. */
const LABELS: Readonly<Record<string, string>> = {
  rest: 'REST',
  graphql: 'GraphQL',
  jsonrpc: 'JSON-RPC',
  'soap-1.1': 'SOAP 1.1',
  'soap-1.2': 'SOAP 1.2',
  grpc: 'gRPC',
  events: 'Live events',
};

/**
 * Every style the comparison runs: exactly the protocol client
 * registrations (`CLIENT_VARIANTS`), in their order, so a new style is one
 * registration there and nothing here.
 */
export function allStyles(): Style[] {
  return Object.entries(CLIENT_VARIANTS).map(([id, create]) => ({ id, label: LABELS[id] ?? id, create: create as (baseUrl: string) => StyleClient }));
}

export const styleLabel = (id: string): string => LABELS[id] ?? id;
