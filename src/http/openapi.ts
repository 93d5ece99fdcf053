import { OpenApiBuilder, type OperationObject, type ParameterObject, type SchemaObject } from 'openapi3-ts/oas31';
import { z } from 'zod';
import type { RestRoute } from './rest-route.ts';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'INVALID_REQUEST: the body is not JSON, a required field is missing, or a parameter is out of range.',
  401: 'UNAUTHORIZED: missing, unknown or revoked API key.',
  404: 'NOT_FOUND: no such object in this account.',
  413: 'PAYLOAD_TOO_LARGE: the upload or body is over the configured limit.',
  422: 'VALIDATION_ERROR: well-formed but wrong (bad or forbidden URL, wrong content type, missing form field).',
  429: 'RATE_LIMITED: over the rate limit; see the Retry-After header.',
  500: 'INTERNAL_ERROR: a bug; the message carries the request id.',
  503: 'SERVICE_UNAVAILABLE: the database cannot be reached right now; see the Retry-After header.',
};
/** Any route can answer these, whatever it declares. */
const ALWAYS_POSSIBLE = [500, 503];

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): SchemaObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest as SchemaObject;
}

function parameters(route: RestRoute): ParameterObject[] {
  const list: ParameterObject[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema, 'input') as { properties?: Record<string, SchemaObject>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      list.push({
        name,
        in: where,
        required: where === 'path' || (object.required ?? []).includes(name),
        schema: property,
        ...(property.description ? { description: property.description } : {}),
      });
    }
  }
  return list;
}

function operation(route: RestRoute): OperationObject {
  const responses: OperationObject['responses'] = {
    [route.response.status]: {
      description: route.response.description,
      ...(route.response.redirect ? { headers: { Location: { schema: { type: 'string' } } } } : {}),
      ...(route.response.schema
        ? { content: { 'application/json': { schema: jsonSchema(route.response.schema, 'output') } } }
        : {}),
    },
  };
  for (const status of [...route.errors, ...ALWAYS_POSSIBLE]) {
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { schema: { type: 'integer' } } } } : {}),
    };
  }
  const op: OperationObject = {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    parameters: parameters(route),
    responses,
  };
  if (route.body) {
    op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } };
  } else if (route.multipart) {
    const properties: Record<string, SchemaObject> = Object.fromEntries(
      Object.entries(route.multipart.fields).map(([name, field]): [string, SchemaObject] => [
        name,
        field.type === 'file'
          ? { type: 'string', contentMediaType: 'application/octet-stream', description: field.description }
          : { type: 'string', description: field.description },
      ]),
    );
    op.requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties } } } };
  }
  return op;
}

/** The OpenAPI 3.1 document of the REST route table (served at /openapi.json, committed under openapi/). */
export function buildOpenApi(routes: RestRoute[], version: string): Record<string, unknown> {
  const builder = OpenApiBuilder.create()
    .addOpenApiVersion('3.1.0')
    .addInfo({
      title: 'FFmpeg media API',
      version,
      description: 'Self-hosted FFmpeg media API, wire-compatible with RenderIO. GraphQL at /graphql.',
    })
    .addSecurityScheme('ApiKey', { type: 'apiKey', in: 'header', name: 'X-API-KEY' })
    .addSchema('Error', {
      type: 'object',
      required: ['error', 'message'],
      properties: {
        error: { type: 'string', description: 'Stable error code.' },
        message: { type: 'string' },
        request_id: { type: 'string' },
        detail: {
          type: 'array',
          items: {
            type: 'object',
            properties: { loc: { type: 'array', items: { type: ['string', 'integer'] } }, msg: { type: 'string' }, type: { type: 'string' } },
          },
        },
      },
    });
  const byPath = new Map<string, Record<string, OperationObject>>();
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const item = byPath.get(path) ?? {};
    item[route.method.toLowerCase()] = operation(route);
    byPath.set(path, item);
  }
  for (const [path, item] of byPath) builder.addPath(path, item);
  const doc = builder.getSpec();
  doc.security = [{ ApiKey: [] }];
  return JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
}
