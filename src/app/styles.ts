import { ContainerModule, type ResolutionContext } from 'inversify';
import type { Config } from '../infra/config.js';
import { GraphqlHttp } from '../protocols/graphql/http.js';
import { GrpcServices } from '../protocols/grpc/server.js';
import { JsonRpcHttp } from '../protocols/jsonrpc/http.js';
import { RestHttp } from '../protocols/rest/http.js';
import type { HttpBinding } from '../protocols/shared/http.js';
import { SoapHttp } from '../protocols/soap/http.js';
import { WsConnections, WsGuard } from '../protocols/shared/ws.js';
import type { Runtime } from '../runtime/invoker.js';
import { TYPES } from './tokens.js';

/** The shared WebSocket limits for one endpoint; the per-address count spans every endpoint. */
export const wsGuard = (c: ResolutionContext, name: string): WsGuard => {
  const config = c.get(TYPES.Config);
  return new WsGuard({ ...config.ws, maxPayloadBytes: config.bodyLimitBytes }, c.get(TYPES.WsConnections), c.get(TYPES.Logger), name);
};

/** One registration per style: how its binding is built from the runtime and its settings. */
const style = (make: (runtime: Runtime, config: Config, c: ResolutionContext) => HttpBinding) =>
  new ContainerModule(({ bind }) => {
    bind(TYPES.HttpBinding)
      .toDynamicValue((c) => make(c.get(TYPES.Runtime), c.get(TYPES.Config), c))
      .inSingletonScope();
  });

/**
 * Every API style the gateway serves. Adding one is a folder under
 * src/protocols/, its error map in protocols/error-table.ts, and one line
 * here. Paths never overlap (the front door refuses a start where two
 * styles claim the same one), so the order is only the order of the list.
 */
export const STYLE_MODULES: ContainerModule[] = [
  style((runtime, config, c) => new GraphqlHttp(runtime, { ...config.graphql, bodyLimitBytes: config.bodyLimitBytes, log: c.get(TYPES.Logger) })),
  style((runtime, config, c) => new JsonRpcHttp(runtime, { maxBatch: config.jsonrpc.maxBatch, bodyLimitBytes: config.bodyLimitBytes, ws: wsGuard(c, 'jsonrpc') })),
  style((runtime, config) => new SoapHttp(runtime, { maxDepth: config.soap.maxDepth, bodyLimitBytes: config.bodyLimitBytes })),
  style((runtime, config) => new RestHttp(runtime, { bodyLimitBytes: config.bodyLimitBytes, xmlMaxDepth: config.rest.xmlMaxDepth })),
  // gRPC is served by the HTTP/2 host (hostModule), not the HTTP/1.1 path table.
  new ContainerModule(({ bind }) => {
    bind(TYPES.GrpcServices)
      .toDynamicValue((c) => new GrpcServices(c.get(TYPES.Runtime), { log: c.get(TYPES.Logger) }))
      .inSingletonScope();
  }),
];
