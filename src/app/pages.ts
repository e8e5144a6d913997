import { ContainerModule } from 'inversify';
import { ComparePageHttp } from '../pages/compare/http.js';
import { TYPES } from './tokens.js';

/** Pages the gateway serves beside the styles, each mounted on the front door like a style's binding. */
export const PAGE_MODULES: ContainerModule[] = [
  new ContainerModule(({ bind }) => {
    bind(TYPES.HttpBinding)
      .toDynamicValue((c) => new ComparePageHttp(c.get(TYPES.Runtime), { reportDir: c.get(TYPES.Config).compare.reportDir }))
      .inSingletonScope();
  }),
];
