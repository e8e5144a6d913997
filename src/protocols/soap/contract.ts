import type { JsonSchema } from '../../contract/json-schema.js';
import { operationSchemas } from '../../contract/json-schema.js';
import { OPERATIONS, pascalName, type Operation } from '../../contract/operations.js';
import { ERROR_KINDS } from '../../domain/errors.js';
import { TypeRegistry, type XmlField, type XmlType } from './model.js';
import { TNS } from './spec.js';

export { ACCEPTED_NAMESPACES, LEGACY_TNS, SERVICE_NAME, TNS } from './spec.js';

/** One operation as SOAP sees it, derived once at start from OPERATIONS. */
export interface SoapOperation {
  readonly op: Operation;
  /** Wrapper element and wsdl:operation name: "GetUser". */
  readonly name: string;
  readonly action: string;
  /** JSON Schema of the input, for coerceText. */
  readonly input: JsonSchema;
  readonly request: XmlType & { kind: 'complex' };
  /** The one child of <GetUserResponse>, named after its type: "User". */
  readonly resultElement: string;
  readonly result: XmlType & { kind: 'complex' };
}

const text = (name: string, minOccurs = 1): XmlField => ({
  name,
  type: { kind: 'simple', base: 'xsd:string' },
  minOccurs,
  maxOccurs: 1,
});

export const FIELD_ERROR_TYPE: XmlType & { kind: 'complex' } = {
  kind: 'complex',
  name: 'FieldError',
  fields: [text('field'), text('message')],
};

/** The typed detail of every fault: the canonical kind, a safe message, field errors. */
export const SERVICE_FAULT_TYPE: XmlType & { kind: 'complex' } = {
  kind: 'complex',
  name: 'ServiceFault',
  fields: [
    { name: 'kind', type: { kind: 'simple', base: 'xsd:string', enumeration: ERROR_KINDS }, minOccurs: 1, maxOccurs: 1 },
    text('message'),
    { name: 'fields', type: FIELD_ERROR_TYPE, minOccurs: 0, maxOccurs: 'unbounded', doc: 'One per invalid input field' },
    { name: 'retryAfter', type: { kind: 'simple', base: 'xsd:int' }, minOccurs: 0, maxOccurs: 1, doc: 'Seconds, for RATE_LIMITED' },
  ],
};

export interface SoapContract {
  readonly operations: readonly SoapOperation[];
  /** Named complex types in first-use order (User, UserPage, …, FieldError, ServiceFault). */
  readonly types: readonly (XmlType & { kind: 'complex' })[];
}

function asComplex(type: XmlType, what: string): XmlType & { kind: 'complex' } {
  if (type.kind !== 'complex') throw new Error(`${what} must be an object`);
  return type;
}

export function buildContract(operations: readonly Operation[] = OPERATIONS): SoapContract {
  const registry = new TypeRegistry();
  const ops = operations.filter((op) => op.kind !== 'subscription').map((op): SoapOperation => {
    const schemas = operationSchemas(op);
    const name = pascalName(op.name);
    // Typed styles carry unions (an event's data) as one optional element per alternative.
    const result = asComplex(registry.fromRoot(schemas.typedOutput), `${op.name} output`);
    if (!result.name) throw new Error(`${op.name} output needs a named type (zod .meta({ id }))`);
    return {
      op,
      name,
      action: `${TNS}/${name}`,
      input: schemas.input,
      request: asComplex(registry.fromRoot(schemas.input), `${op.name} input`),
      resultElement: result.name,
      result,
    };
  });
  // Bulk results declare the same FieldError (field, message) the fault detail uses; it is one type in the WSDL.
  const fieldError = registry.named.has(FIELD_ERROR_TYPE.name!) ? [] : [FIELD_ERROR_TYPE];
  return { operations: ops, types: [...registry.named.values(), ...fieldError, SERVICE_FAULT_TYPE] };
}
