// The OpenAPI 3.1 description of the API, written from the operations' own declarations
// (src/lib/http/operation.ts): the zod schemas the routes validate requests with and the
// response schemas their answers are typed and checked by. Served at /openapi.json; /docs
// renders it with Swagger UI; the web console's API types are generated from it.
import { z } from 'zod';
import type { OperationDoc, ResponseSpec } from '../lib/http/operation.ts';

const openApiPath = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

/** Named schemas (meta id) go to components.schemas, referenced from where they are used. */
function moveDefs(node: unknown, components: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => moveDefs(n, components));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$defs') {
      for (const [name, def] of Object.entries(value as Record<string, unknown>)) components[name] = moveDefs(def, components);
    } else if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace('#/$defs/', '#/components/schemas/');
    } else if (key !== '$schema') {
      out[key] = moveDefs(value, components);
    }
  }
  return out;
}

export function openApiDocument(operations: readonly OperationDoc[], info: { version: string; serverUrl?: string }) {
  const components: Record<string, unknown> = {};
  // Requests are documented as they may be sent (defaults optional), answers as they are sent.
  const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') =>
    moveDefs(z.toJSONSchema(schema, { io, unrepresentable: 'any' }), components) as Record<string, unknown>;
  const parameters = (where: 'path' | 'query', schema: z.ZodObject | undefined) =>
    Object.entries(schema?.shape ?? {}).map(([name, field]) => ({
      name,
      in: where,
      required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      schema: jsonSchema(field as z.ZodType),
    }));

  // An SSE event as it arrives: its name, id and retry hint, and its data, JSON of `events`.
  const sseEvent = (events: z.ZodType) => ({
    type: 'object',
    required: ['event', 'data'],
    properties: {
      event: { type: 'string' },
      id: { type: 'string' },
      retry: { type: 'integer' },
      data: { type: 'string', contentMediaType: 'application/json', contentSchema: jsonSchema(events, 'output') },
    },
    additionalProperties: false,
  });
  const body = (r: ResponseSpec) => (r.events ? { schema: sseEvent(r.events) } : r.schema ? { schema: jsonSchema(r.schema, 'output') } : {});

  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = openApiPath(op.path);
    const documentedBody = op.documentedBody ?? op.body;
    const content: Record<string, unknown> = {};
    if (documentedBody) content['application/json'] = { schema: jsonSchema(documentedBody) };
    for (const [type, schema] of Object.entries(op.otherBodies ?? {})) {
      const { $schema: _, ...rest } = schema;
      content[type] = { schema: rest };
    }
    (paths[path] ??= {})[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      operationId: `${op.method}${path.replace(/[{}]/g, '').replace(/\/(\w)/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '')}`,
      security: op.roles ? [{ bearerAuth: [] }] : [],
      ...(op.roles || op.description ? { description: [op.roles && `Roles: ${op.roles.join(', ')}.`, op.description].filter(Boolean).join(' ') } : {}),
      parameters: [
        ...parameters('path', op.params),
        ...parameters('query', op.query),
        ...(op.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: h.schema })),
        ...(op.cookies ?? []).map((c) => ({ name: c.name, in: 'cookie', required: false, description: c.description, schema: c.schema })),
      ],
      ...(Object.keys(content).length ? { requestBody: { required: !op.bodyOptional, content } } : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([code, r]) => [
          code,
          {
            description: r.description,
            ...(r.headers ? { headers: r.headers } : {}),
            ...(r.schema || r.contentType ? { content: { [r.contentType ?? 'application/json']: body(r) } } : {}),
          },
        ]),
      ),
    };
  }
  return {
    openapi: '3.1.0' as const,
    info: {
      title: 'VSTEP Grading Platform API',
      version: info.version,
      description: 'Students submit VSTEP writing and speaking responses; each becomes a Temporal workflow that grades it. Errors are application/problem+json.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } }, schemas: components },
    paths,
  };
}
