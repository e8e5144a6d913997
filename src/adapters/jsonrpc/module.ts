import { ContainerModule } from 'inversify';
import { TYPES } from '../../app/tokens.js';
import { JsonRpcFacade } from './facade.js';

/** JSON-RPC 2.0 on /rpc (HTTP POST and WebSocket). */
export const jsonRpcModule = new ContainerModule(({ bind }) => {
  bind(TYPES.HttpFacade).to(JsonRpcFacade).inSingletonScope();
});
