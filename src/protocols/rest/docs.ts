import { operationSchemas, type JsonSchema } from '../../contract/json-schema.js';
import { findOperation } from '../../contract/operations.js';
import { ERROR_KINDS, type ErrorKind } from '../../domain/errors.js';
import { LANGUAGES } from '../../domain/i18n/index.js';
import { EXPORTABLE } from '../../domain/jobs/schemas.js';
import { KIND_STATUS } from './spec.js';
import { NOT_FOR_COUNT, scalarFields, SELECTABLE } from './representation.js';
import { API_BASE, GETTERS, MAX_PER_PAGE, pathParams, ROUTES, type RestRoute } from './spec.js';

/**
 * The OpenAPI 3.1 document, generated from the route table and the
 * operations' JSON Schemas — the same data that builds the express routes —
 * so what it says is what the server does. Built once at start-up.
 */

/** Domain output types that the REST representation extends with `links`. */
const LINKED = new Set(['User', 'Product', 'Order', 'OrderItem']);
/** Items of a bulk result, which REST gives an HTTP status each. */
const BULK_ITEMS = new Set(['UserBulkItem']);

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const reply = (name: string) => ({ $ref: `#/components/responses/${name}` });
const DATA_MEDIA = ['application/json', 'application/xml', 'text/xml'];

/** Problem responses by status: the domain's kinds plus HTTP's own refusals. */
const PROBLEM_RESPONSES: Record<number, { name: string; description: string; headers?: Record<string, unknown> }> = {
  400: { name: 'BadRequest', description: 'The request cannot be read: malformed JSON or XML, a malformed JSON Patch document, an unparsable query expression' },
  401: {
    name: 'Unauthorized',
    description: 'No, or a bad, bearer token (or wrong credentials at /auth/token)',
    headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'Bearer realm="polyface"[, error="invalid_token"]' } },
  },
  403: { name: 'Forbidden', description: 'Authenticated but not allowed' },
  404: { name: 'NotFound', description: 'No such resource' },
  406: { name: 'NotAcceptable', description: 'Accept names nothing this server can produce' },
  409: { name: 'Conflict', description: 'Conflicts with current state (duplicate email, product in use, failed JSON Patch test)' },
  412: { name: 'PreconditionFailed', description: 'If-Match names a version that is no longer current' },
  413: { name: 'PayloadTooLarge', description: 'Body larger than the configured limit' },
  415: { name: 'UnsupportedMediaType', description: 'Content-Type not accepted for this method' },
  422: { name: 'UnprocessableContent', description: 'Well-formed but invalid input; `errors` names each field' },
  429: {
    name: 'TooManyRequests',
    description: 'Rate limited',
    headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } },
  },
  500: { name: 'InternalError', description: 'Unexpected failure; no details are disclosed' },
};

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$schema' || k === '$defs') continue;
    out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : rewriteRefs(v);
  }
  return out;
}

/** A domain page type becomes REST's `{data, page, links}` envelope. */
function restShape(name: string, def: JsonSchema): JsonSchema {
  const props = (def.properties ?? {}) as Record<string, JsonSchema>;
  if (props.items && props.total) {
    return {
      type: 'object',
      properties: { data: props.items, page: ref('PageInfo'), links: ref('Links') },
      required: ['data', 'page', 'links'],
    };
  }
  if (props.events && props.next) {
    return { type: 'object', properties: { data: props.events, links: ref('Links') }, required: ['data', 'links'], description: 'links.next continues after the last event' };
  }
  if (LINKED.has(name)) {
    return { ...def, properties: { ...props, links: ref('Links') }, required: [...((def.required as string[]) ?? []), 'links'] };
  }
  if (BULK_ITEMS.has(name)) {
    const status = { type: 'integer', description: 'The HTTP status this item would have had as a request of its own' };
    return { ...def, properties: { ...props, status }, required: [...((def.required as string[]) ?? []), 'status'] };
  }
  return def;
}

function withoutProps(schema: JsonSchema, drop: string[]): JsonSchema {
  const props = { ...((schema.properties ?? {}) as Record<string, JsonSchema>) };
  for (const d of drop) delete props[d];
  const required = ((schema.required as string[]) ?? []).filter((r) => !drop.includes(r));
  const out: JsonSchema = { ...(rewriteRefs(schema) as JsonSchema), properties: rewriteRefs(props) };
  if (required.length) out.required = required;
  else delete out.required;
  return out;
}

/**
 * The other spellings of paging, order, selection and filtering every
 * collection accepts (query.ts): the source material's page/perPage/sortBy
 * and OData's $-options. One syntax per concern in a request.
 */
function alternativeQuerySyntax(props: Record<string, JsonSchema>, selectable: string): Record<string, unknown>[] {
  const q = (name: string, description: string, schema: JsonSchema) => ({ name, in: 'query', required: false, description, schema });
  const out = [
    q('page', 'Page number from 1 (with perPage; instead of limit/offset). Past the last page → 404', { type: 'integer', minimum: 1 }),
    q('perPage', `Items per page, 1–${MAX_PER_PAGE} (maxPerPage); default 10`, { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE }),
    q('$top', 'OData: items to return (as limit)', { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE }),
    q('$skip', 'OData: items to skip (as offset)', { type: 'integer', minimum: 0 }),
    q('$select', `OData: fields to return (as fields), from ${selectable}`, { type: 'string' }),
    q('$count', 'OData: true repeats the total as `count`', { type: 'boolean' }),
  ];
  if (props.sort) {
    out.push(
      q('sortBy', 'Order as field.asc / field.desc, comma-separated, e.g. name.desc,price.asc (as sort); unparsable → 400', { type: 'string' }),
      q('$orderby', 'OData order, e.g. "name desc, id" (as sort); unparsable → 400', { type: 'string' }),
    );
  }
  if (props.filter) out.push(q('$filter', 'OData filter expression (the same language as `filter`); unparsable → 400', { type: 'string', maxLength: 1000 }));
  return out;
}

const content = (types: string[], schema: unknown) => Object.fromEntries(types.map((t) => [t, { schema }]));

function operationObject(route: RestRoute, schemas: Record<string, JsonSchema>): Record<string, unknown> {
  const op = findOperation(route.operation)!;
  const { input, output } = operationSchemas(op);
  for (const [name, def] of Object.entries((output.$defs ?? {}) as Record<string, JsonSchema>)) {
    schemas[name] ??= rewriteRefs(restShape(name, def)) as JsonSchema;
  }
  const props = (input.properties ?? {}) as Record<string, JsonSchema>;
  const required = (input.required as string[]) ?? [];
  const params = pathParams(route.path);
  const parameters: Record<string, unknown>[] = params.map((name) => ({ name, in: 'path', required: true, schema: props[name] }));
  if (route.input === 'query') {
    const publicName = new Map(Object.entries(route.query ?? {}).map(([alias, field]) => [field, alias]));
    for (const [name, schema] of Object.entries(props)) {
      // expectedVersion is accepted in the query too, but If-Match is the documented way.
      if (params.includes(name) || name === 'expectedVersion') continue;
      // Lists travel comma-separated (types=a,b), RFC 6570 form style without explode.
      const list = schema.type === 'array' ? { style: 'form', explode: false } : {};
      parameters.push({ name: publicName.get(name) ?? name, in: 'query', required: required.includes(name), schema: rewriteRefs(schema), ...list });
    }
  }
  if (route.page) {
    const names = [...SELECTABLE[route.resource]].join(',');
    parameters.push({
      name: 'fields',
      in: 'query',
      required: false,
      description: `Comma-separated fields to return per item (links always kept), from: ${names}`,
      schema: { type: 'string', pattern: `^(${names.replace(/,/g, '|')})(,(${names.replace(/,/g, '|')}))*$` },
    });
    parameters.push(...alternativeQuerySyntax(props, names));
  }
  if (props.expectedVersion) {
    parameters.push({
      name: 'If-Match',
      in: 'header',
      required: false,
      description: 'ETag from a previous read, e.g. "v3"; a stale one fails with 412',
      schema: { type: 'string' },
      'x-input-field': 'expectedVersion',
    });
  }
  if (route.feed) {
    parameters.push({
      name: 'Last-Event-ID',
      in: 'header',
      required: false,
      description: 'With Accept: text/event-stream: replay the events after this id first (what EventSource sends when it reconnects)',
      schema: { type: 'string' },
    });
  }
  if (route.versioned && route.method === 'get') {
    parameters.push({ name: 'If-None-Match', in: 'header', required: false, description: 'ETag held; 304 when still current', schema: { type: 'string' } });
  }
  if (route.bulk) {
    parameters.push({
      name: 'Prefer',
      in: 'header',
      required: false,
      description: 'RFC 7240 `handling=strict` (every item or none; the default) or `handling=lenient` (each item on its own); same as the body\'s `handling`',
      schema: { type: 'string', examples: ['handling=lenient'] },
    });
  }

  const responseSchema = route.successStatus === 204 ? undefined : rewriteRefs({ $ref: output.$ref });
  const headers: Record<string, unknown> = {};
  if (route.successStatus === 201) headers.Location = { schema: { type: 'string' }, description: 'Path of the new resource' };
  if (route.versioned) headers.ETag = { schema: { type: 'string' }, description: '"v<version>" ("v<version>.xml" for XML)' };
  if (route.page) headers.Link = { schema: { type: 'string' }, description: 'RFC 8288 first, last, prev, next' };
  if (route.feed) headers.Link = { schema: { type: 'string' }, description: 'RFC 8288 next: the same poll after the last event' };
  if (route.bulk) headers['Preference-Applied'] = { schema: { type: 'string' }, description: 'handling=…, when Prefer asked for it (RFC 7240 §3)' };
  const responses: Record<string, unknown> = {
    [route.successStatus]: {
      description: route.successStatus === 204 ? 'Done; no body' : 'Success',
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(responseSchema ? { content: content(DATA_MEDIA, responseSchema) } : {}),
    },
  };
  if (route.feed) {
    // The same URL streams the same events as Server-Sent Events (WHATWG HTML §9.2) for Accept: text/event-stream.
    (responses[200] as { content: Record<string, unknown> }).content['text/event-stream'] = {
      schema: { type: 'string', description: 'id:/event:/data: frames, data being one Event as JSON; Last-Event-ID resumes; `: ping` comments as heartbeat' },
    };
  }
  if (route.versioned && route.method === 'get') responses[304] = { description: 'Not modified since the ETag in If-None-Match' };
  if (route.bulk) {
    responses[207] = {
      description: 'Multi-Status (lenient handling): some items failed; each item has its own status and error, the others were written',
      headers,
      content: content(DATA_MEDIA, responseSchema),
    };
  }
  const statuses = new Set<number>([406, 500, ...op.errors.map((k: ErrorKind) => KIND_STATUS[k].status)]);
  if (route.input === 'body') [400, 413, 415].forEach((s) => statuses.add(s));
  if (route.page) [400, 404].forEach((s) => statuses.add(s));
  if (route.patch) statuses.add(409);
  for (const s of [...statuses].sort()) responses[s] = reply(PROBLEM_RESPONSES[s]!.name);

  const object: Record<string, unknown> = {
    operationId: op.name,
    summary: op.summary,
    tags: [route.path.split('/')[1]],
    parameters,
    responses,
  };
  if (op.access === 'public') object.security = [];
  if (route.input === 'body') {
    const body = withoutProps(input, params);
    const types = route.patch ? ['application/merge-patch+json', 'application/json'] : DATA_MEDIA;
    const media = content(types, body);
    if (route.patch) media['application/json-patch+json'] = { schema: ref('JsonPatch') };
    if (route.resource === 'token') {
      // The same login as an OAuth 2.0 password grant (RFC 6749 §4.3.2), which Swagger UI's Authorize dialog sends.
      const grant = { type: 'object', properties: { grant_type: { type: 'string', const: 'password' }, ...(body.properties as object) }, required: body.required };
      media['application/x-www-form-urlencoded'] = { schema: grant };
    }
    object.requestBody = { required: true, content: media };
  }
  return object;
}

const SCALAR_MEDIA = { ...content(DATA_MEDIA, {}), 'text/plain': { schema: { type: 'string' } } };

/**
 * Resources beside the operation list that read through it: a collection's
 * `/count` (its list operation with the same filters) and one property of a
 * resource (its get operation). Their operationIds say which they read.
 */
function countObject(route: RestRoute): Record<string, unknown> {
  const list = operationObject(route, {});
  const parameters = (list.parameters as { name: string; in: string }[]).filter((p) => p.in !== 'query' || !NOT_FOR_COUNT.includes(p.name));
  return {
    operationId: `${route.operation}Count`,
    summary: `How many items ${route.path} holds, with the same filters (a scalar sub-resource)`,
    tags: [route.path.split('/')[1]],
    parameters,
    responses: {
      200: { description: 'The count: a JSON number, an XML <count> element or plain text', content: { ...SCALAR_MEDIA, 'application/json': { schema: { type: 'integer', minimum: 0 } } } },
      ...Object.fromEntries([400, 401, 403, 404, 406, 422].map((s) => [s, reply(PROBLEM_RESPONSES[s]!.name)])),
    },
  };
}

function scalarObject(route: RestRoute): Record<string, unknown> {
  const get = operationObject(route, {});
  const params = (get.parameters as { in: string }[]).filter((p) => p.in === 'path');
  return {
    operationId: `${route.operation}Field`,
    summary: `One property of ${route.path} (a scalar sub-resource), e.g. ${route.path}/name`,
    tags: [route.path.split('/')[1]],
    parameters: [...params, { name: 'field', in: 'path', required: true, schema: { type: 'string', enum: [...scalarFields(route.resource)] } }],
    responses: {
      200: { description: 'The value: a JSON scalar, an XML element named after the property, or plain text', content: SCALAR_MEDIA },
      ...Object.fromEntries([401, 403, 404, 406].map((s) => [s, reply(PROBLEM_RESPONSES[s]!.name)])),
    },
  };
}

/** The paths `countObject` and `scalarObject` document, as [path template, object]. */
export function scalarPaths(): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  for (const route of ROUTES) {
    if (route.method !== 'get') continue;
    if (route.page) out.push([`${route.path}/count`, countObject(route)]);
    else if (GETTERS[route.resource] === route.operation) out.push([`${route.path}/{field}`, scalarObject(route)]);
  }
  return out;
}

const JOB_SCHEMA = {
  type: 'object',
  description: 'An asynchronous job (an export) and how far it has got',
  properties: {
    id: { type: 'string', format: 'uuid' },
    kind: { type: 'string', enum: ['export'] },
    resource: { type: 'string', enum: [...EXPORTABLE] },
    format: { type: 'string', enum: ['json', 'csv'] },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] },
    progress: {
      type: 'object',
      properties: { done: { type: 'integer' }, total: { type: ['integer', 'null'] }, percent: { type: 'integer', minimum: 0, maximum: 100 } },
      required: ['done', 'total', 'percent'],
    },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    links: ref('Links'),
  },
  required: ['id', 'kind', 'resource', 'format', 'status', 'progress', 'createdAt', 'updatedAt', 'links'],
};

const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, reply(PROBLEM_RESPONSES[s]!.name)]));
const jobIdParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

/** The asynchronous operations (jobs.ts): 202 + Location → 200 with progress → 303 to the result. */
export function jobPaths(): [string, Record<string, unknown>][] {
  const retryAfter = { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds before polling again' } };
  return [
    [
      '/exports',
      {
        post: {
          operationId: 'submitExport',
          summary: "Export a collection (with its list operation's filters) in the background",
          tags: ['jobs'],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    resource: { type: 'string', enum: [...EXPORTABLE] },
                    format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
                    query: { type: 'object', description: "The list operation's input without limit/offset, e.g. {\"role\": \"admin\", \"sort\": \"name\"}" },
                  },
                  required: ['resource'],
                  additionalProperties: false,
                },
              },
            },
          },
          responses: {
            202: {
              description: 'Accepted; poll the status resource named in Location',
              headers: { Location: { schema: { type: 'string' }, description: 'The job status resource' }, ...retryAfter },
              content: { 'application/json': { schema: ref('Job') } },
            },
            ...problems(400, 401, 413, 415, 422, 429),
          },
        },
      },
    ],
    [
      '/jobs/{id}',
      {
        get: {
          operationId: 'getJob',
          summary: "A job's status: 200 while queued or running, 303 to the result when done, problem details when it failed (only its owner sees it)",
          tags: ['jobs'],
          parameters: [jobIdParam],
          responses: {
            200: { description: 'Queued or running, with progress', headers: retryAfter, content: { 'application/json': { schema: ref('Job') } } },
            303: { description: 'Done: Location names the result', headers: { Location: { schema: { type: 'string' } } }, content: { 'application/json': { schema: ref('Job') } } },
            ...problems(401, 404),
            default: { description: "The job failed: problem details with that failure's own status, plus jobId", content: { 'application/problem+json': { schema: ref('Problem') } } },
          },
        },
        delete: {
          operationId: 'cancelJob',
          summary: 'Cancel a job (a running export stops at its next page) or forget a finished one',
          tags: ['jobs'],
          parameters: [jobIdParam],
          responses: { 204: { description: 'Cancelled or forgotten' }, ...problems(401, 404) },
        },
      },
    ],
    [
      '/jobs/{id}/result',
      {
        get: {
          operationId: 'getJobResult',
          summary: "A finished export: the items as a JSON array, or CSV with a header row (404 until it is done)",
          tags: ['jobs'],
          parameters: [jobIdParam],
          responses: {
            200: { description: 'The export', content: { 'application/json': { schema: { type: 'array', items: { type: 'object' } } }, 'text/csv': { schema: { type: 'string' } } } },
            ...problems(401, 404),
          },
        },
      },
    ],
  ];
}

export function buildOpenApi(): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = {
    Links: {
      type: 'object',
      description: 'Relation name → path on this server (HATEOAS)',
      additionalProperties: { type: 'string' },
    },
    PageInfo: {
      type: 'object',
      properties: { limit: { type: 'integer' }, offset: { type: 'integer' }, total: { type: 'integer' } },
      required: ['limit', 'offset', 'total'],
    },
    Problem: {
      type: 'object',
      description: 'RFC 9457 problem details',
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        instance: { type: 'string' },
        code: { type: 'string', enum: [...ERROR_KINDS], description: 'The canonical error kind, for clients to branch on' },
        errors: {
          type: 'array',
          items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['field', 'message'] },
        },
        requestId: { type: 'string' },
      },
      required: ['type', 'title', 'status'],
    },
    JsonPatch: {
      type: 'array',
      description: 'RFC 6902 operations, applied to the current representation (without links)',
      items: {
        type: 'object',
        properties: {
          op: { type: 'string', enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
          path: { type: 'string' },
          from: { type: 'string' },
          value: {},
        },
        required: ['op', 'path'],
      },
    },
    ApiRoot: { type: 'object', properties: { links: ref('Links') }, required: ['links'] },
    Job: JOB_SCHEMA,
  };
  const paths: Record<string, Record<string, unknown>> = {
    '/': {
      get: {
        operationId: 'apiRoot',
        summary: 'Entry point: links to the collections',
        tags: ['meta'],
        security: [],
        responses: { 200: { description: 'Links', content: content(DATA_MEDIA, ref('ApiRoot')) }, 406: reply('NotAcceptable') },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        summary: 'This document',
        tags: ['meta'],
        security: [],
        responses: { 200: { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  };
  for (const route of ROUTES) (paths[route.path] ??= {})[route.method] = operationObject(route, schemas);
  for (const [path, get] of scalarPaths()) paths[path] = { get };
  for (const [path, methods] of jobPaths()) paths[path] = methods;
  const responses = Object.fromEntries(
    Object.values(PROBLEM_RESPONSES).map((r) => [
      r.name,
      {
        description: r.description,
        headers: {
          ...r.headers,
          'Content-Language': { schema: { type: 'string', enum: [...LANGUAGES] }, description: 'The language of title and detail (from Accept-Language)' },
        },
        content: content(['application/problem+json', 'application/problem+xml'], ref('Problem')),
      },
    ]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'polyface REST API',
      version: '1.0.0',
      description:
        'Users, their orders and products. Bearer tokens from POST /auth/token. JSON or XML by Accept/Content-Type; ' +
        'pages as {data, page, links} with a Link header; ETag/If-Match on users; errors as RFC 9457 problem details, ' +
        `their title and detail in the language Accept-Language asks for (${LANGUAGES.join(', ')}; otherwise English). ` +
        "A user's email is shown only to that user and to administrators.",
    },
    servers: [{ url: API_BASE }],
    // Either scheme is enough: a pasted token, or Swagger UI's username/password form (OAuth 2.0 password flow on the token endpoint).
    security: [{ bearerAuth: [] }, { password: [] }],
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token from POST /auth/token (or the login operation of any style)' },
        password: {
          type: 'oauth2',
          description: 'Log in with a username (admin, or an email) and password; the token endpoint takes an OAuth 2.0 password grant',
          flows: { password: { tokenUrl: `${API_BASE}/auth/token`, scopes: {} } },
        },
      },
    },
  };
}
