import type { ContainerModule } from 'inversify';
import { graphqlModule } from '../adapters/graphql/module.js';
import { jsonRpcModule } from '../adapters/jsonrpc/module.js';
import { restModule } from '../adapters/rest/module.js';
import { soapModule } from '../adapters/soap/module.js';

/**
 * One ContainerModule per protocol, each binding TYPES.HttpFacade. The HTTP
 * server asks them in this order; REST (express) owns only /api and /docs.
 */
export const FACADE_MODULES: ContainerModule[] = [graphqlModule, jsonRpcModule, soapModule, restModule];
