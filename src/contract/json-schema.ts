import { z } from 'zod';
import type { Operation } from './operations.js';

export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schemas of an operation's input and output, derived from the zod
 * schemas so contract documents cannot drift from what the domain checks.
 * Computed once per operation and cached.
 */
export interface OperationSchemas {
  input: JsonSchema;
  output: JsonSchema;
  /** The output as typed styles (GraphQL, SOAP) carry it: `typed.output` when the operation has a typed view, else `output`. */
  typedOutput: JsonSchema;
}

const cache = new WeakMap<Operation, OperationSchemas>();

export function operationSchemas(op: Operation): OperationSchemas {
  let hit = cache.get(op);
  if (!hit) {
    const output = z.toJSONSchema(op.output, { io: 'output', unrepresentable: 'any', reused: 'inline' }) as JsonSchema;
    hit = {
      input: z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any', reused: 'inline' }) as JsonSchema,
      output,
      typedOutput: op.typed ? (z.toJSONSchema(op.typed.output, { io: 'output', unrepresentable: 'any', reused: 'inline' }) as JsonSchema) : output,
    };
    cache.set(op, hit);
  }
  return hit;
}
