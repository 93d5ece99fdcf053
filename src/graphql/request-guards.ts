import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { processRequest } from 'graphql-upload-minimal';
import { parseJson, readJsonText } from '../http/json-body.ts';
import { invalidRequest } from '../platform/errors.ts';
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from '../platform/text.ts';

const MAX_NESTING = 64;

/**
 * Reads a POST /graphql body the service's way before yoga sees it: JSON under the same 1 MiB cap as
 * REST (413 beyond), multipart streamed by graphql-upload-minimal (yoga's own parser buffers whole
 * files), anything else a 400. Returns undefined for GET (yoga reads the query string itself).
 */
export async function readGraphQLBody(req: IncomingMessage, res: ServerResponse, maxFileBytes: number): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const type = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(type)) return processRequest(req, res, { maxFileSize: maxFileBytes + 1, maxFiles: 1 });
  if (/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type)) return parseJson(await readJsonText(req));
  req.resume();
  throw invalidRequest('Content-Type must be application/json or multipart/form-data.');
}

const clientError = (message: string) => new GraphQLError(message, { extensions: { code: 'INVALID_REQUEST', http: { status: 400 } } });

/** Depth of brackets and braces, counted without parsing (graphql's parser recurses per level). */
function nesting(query: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '"' && query[i - 1] !== '\\') inString = !inString;
    else if (!inString && (c === '{' || c === '[' || c === '(')) deepest = Math.max(deepest, ++depth);
    else if (!inString && (c === '}' || c === ']' || c === ')')) depth--;
  }
  return deepest;
}

function unstorableLiteral(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING](node) {
      if (findUnstorableText(node.value)) found = true;
    },
  });
  return found;
}

/** Client mistakes in a GraphQL request answer INVALID_REQUEST, like their REST twins, never a 500. */
export const useRequestGuards = (): Plugin => ({
  onParams({ params }) {
    if (params.query !== undefined && typeof params.query !== 'string') throw clientError('query must be a string.');
    if (typeof params.query === 'string' && nesting(params.query) > MAX_NESTING) {
      throw clientError(`The query nests deeper than ${MAX_NESTING} levels.`);
    }
    if (findUnstorableText(params.variables)) throw clientError(UNSTORABLE_TEXT_MESSAGE);
  },
  onValidate({ params, setResult }) {
    return ({ result }) => {
      const errors = unstorableLiteral(params.documentAST) ? [clientError(UNSTORABLE_TEXT_MESSAGE)] : [...result];
      setResult(
        errors.map(
          (e) =>
            new GraphQLError(e.message, {
              nodes: e.nodes,
              source: e.source,
              positions: e.positions,
              extensions: { ...e.extensions, code: 'INVALID_REQUEST' },
            }),
        ),
      );
    };
  },
});
