import type { StyleClient } from '../../src/compare/scenarios.js';

/**
 * A test double for a style that cannot push: a real client's calls (and
 * batches) without `subscribe`, as a registration of a request/response-only
 * style would be. Scenarios that need a subscription do not apply to it.
 */
export function withoutPush(client: StyleClient): StyleClient {
  return {
    protocol: client.protocol,
    call: (operation, input, token) => client.call(operation, input, token),
    ...(client.batch ? { batch: client.batch.bind(client) } : {}),
    close: async () => client.close?.(),
  };
}
