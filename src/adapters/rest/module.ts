import { ContainerModule } from 'inversify';
import { TYPES } from '../../app/tokens.js';
import { RestFacade } from './facade.js';

export const restModule = new ContainerModule(({ bind }) => {
  bind(TYPES.HttpFacade).to(RestFacade).inSingletonScope();
});
