import * as soap from 'soap';
import { operationSchemas, type JsonSchema } from '../contract/json-schema.js';
import { findOperation, pascalName, type OperationName } from '../contract/operations.js';
import { ERROR_KINDS, type ErrorKind } from '../domain/errors.js';
import type { DomainEvent, EventType } from '../domain/events.js';
import { EventChannel, EventStreamError, type EventSubscription, type SubscribeOptions } from './stream.js';
import type { Outcome, ProtocolClient } from './types.js';

export interface SoapClientOptions {
  /** SOAP 1.1 (text/xml + SOAPAction) or SOAP 1.2 (application/soap+xml; action=…). Default 1.1. */
  version?: '1.1' | '1.2';
  /** How long each GetEvents long poll of `subscribe` waits on the server, 1–30 s. Default 10. */
  pollWaitSeconds?: number;
}

type SoapMethod = (args: unknown, options?: unknown, extraHeaders?: Record<string, string>) => Promise<[Record<string, unknown>]>;

interface SoapError extends Error {
  root?: { Envelope?: { Body?: { Fault?: Record<string, any> } } };
}

const toArray = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/**
 * Puts back what XML loses: an empty or single-element array is just absent
 * or one element, so the output JSON Schema says where arrays belong.
 */
function normalise(schema: JsonSchema, defs: Record<string, JsonSchema>, value: unknown): unknown {
  const ref = schema.$ref as string | undefined;
  if (ref) return normalise(defs[ref.replace('#/$defs/', '')]!, defs, value);
  if (schema.type === 'object' && value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
      const v = record[key];
      if (prop.type === 'array') out[key] = toArray(v).map((item) => normalise(prop.items as JsonSchema, defs, item));
      else if (v !== undefined && v !== null) out[key] = normalise(prop, defs, v);
      else if (prop.type === 'string' && v === null) out[key] = '';
    }
    return out;
  }
  return value;
}

/**
 * SOAP through the `soap` npm client on the gateway's own WSDL (fetched once
 * per client, reused): every operation is the WSDL operation of the same
 * name in PascalCase. xsd:decimal money is kept as its text ("50.00"), the
 * result element (User, UserPage, …) is unwrapped and arrays restored, so
 * data has the domain's JSON shape. Faults become the canonical kind and
 * field names from the typed ServiceFault detail.
 */
export class SoapClient implements ProtocolClient {
  readonly protocol = 'soap' as const;
  private client: Promise<soap.Client> | undefined;
  private readonly wsdlUrl: string;
  private readonly endpoint: string;

  /** `baseUrl` is the gateway's root, e.g. http://127.0.0.1:3000. */
  constructor(
    baseUrl: string,
    private readonly options: SoapClientOptions = {},
  ) {
    this.wsdlUrl = `${baseUrl.replace(/\/$/, '')}/soap?wsdl`;
    this.endpoint = `${baseUrl.replace(/\/$/, '')}/soap`;
  }

  private soapClient(): Promise<soap.Client> {
    this.client ??= soap.createClientAsync(this.wsdlUrl, {
      forceSoap12Headers: this.options.version === '1.2',
      // Calls go where this client was pointed, not to the WSDL's soap:address: that is the gateway's PUBLIC_URL,
      // which a proxy in between (a load balancer, the comparison's wire tap) does not rewrite.
      endpoint: this.endpoint,
      // Keep the wire text: money as "50.00" (node-soap would make a binary float), timestamps as ISO strings (it would make Dates).
      customDeserializer: { decimal: (text: string) => text, dateTime: (text: string) => text },
    });
    return this.client;
  }

  async call(operation: OperationName, input: Record<string, unknown>, token?: string): Promise<Outcome> {
    const op = findOperation(operation);
    if (!op) throw new Error(`Unknown operation ${operation}`);
    const client = await this.soapClient();
    const method = (client as unknown as Record<string, SoapMethod>)[`${pascalName(operation)}Async`];
    if (!method) throw new Error(`The WSDL has no operation ${pascalName(operation)}`);
    const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
    try {
      const [result] = await method.call(client, input, {}, headers);
      // SOAP carries unions (an event's data) as one element per alternative: read the typed shape, then undo it.
      const output = operationSchemas(op).typedOutput;
      const defs = (output.$defs ?? {}) as Record<string, JsonSchema>;
      const element = (output.$ref as string).replace('#/$defs/', '');
      const data = normalise(output, defs, result[element]);
      return { ok: true, data: op.typed ? op.typed.to(data) : data };
    } catch (err) {
      const fault = (err as SoapError).root?.Envelope?.Body?.Fault;
      const detail = (fault?.detail ?? fault?.Detail)?.ServiceFault as { kind?: string; fields?: unknown } | undefined;
      if (!detail || !ERROR_KINDS.includes(detail.kind as ErrorKind)) throw err;
      const fields = toArray(detail.fields).map((f) => String((f as { field: unknown }).field));
      return { ok: false, kind: detail.kind as ErrorKind, fields: fields.sort() };
    }
  }

  /**
   * SOAP cannot push: a subscription is a GetEvents long poll repeated from
   * each answer's `next` cursor (SOAP's idiom for live updates). Without
   * `after`, a first poll with no wait learns where "now" is; `ready`
   * resolves after it.
   */
  subscribe(types: readonly EventType[], options: SubscribeOptions): EventSubscription {
    let open = true;
    const channel = new EventChannel(() => {
      open = false;
    });
    const wait = Math.min(30, Math.max(1, this.options.pollWaitSeconds ?? 10));
    const poll = async (after: string | undefined, waitSeconds: number) => {
      const input: Record<string, unknown> = { max: 100, waitSeconds, ...(types.length ? { types: [...types] } : {}) };
      if (after !== undefined) input.after = after;
      const out = await this.call('getEvents', input, options.token);
      if (!out.ok) throw new EventStreamError(`GetEvents failed: ${out.kind}`, out.kind);
      return out.data as { events: DomainEvent[]; next: string };
    };
    (async () => {
      let cursor = options.after ?? (await poll(undefined, 0)).next;
      channel.opened();
      while (open) {
        const batch = await poll(cursor, wait);
        if (!open) break;
        for (const event of batch.events) channel.push(event);
        cursor = batch.next;
      }
    })().catch((err: unknown) => channel.fail(err instanceof Error ? err : new Error(String(err))));
    return channel;
  }
}
