import { ContainerModule } from 'inversify';
import { TYPES } from '../../app/tokens.js';
import { GraphqlFacade } from './facade.js';

export const graphqlModule = new ContainerModule(({ bind }) => {
  bind(TYPES.HttpFacade).to(GraphqlFacade).inSingletonScope();
});
