import { ContainerModule } from 'inversify';
import { TYPES } from '../../app/tokens.js';
import { SoapFacade } from './facade.js';

/** SOAP 1.1/1.2 on POST /soap, WSDL on GET /soap?wsdl. */
export const soapModule = new ContainerModule(({ bind }) => {
  bind(TYPES.HttpFacade).to(SoapFacade).inSingletonScope();
});
