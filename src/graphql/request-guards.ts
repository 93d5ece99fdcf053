import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError, Kind, parse, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { processRequest, Upload } from 'graphql-upload-minimal';
import { parseJson, readJsonText } from '../http/json-body.ts';
import { invalidRequest } from '../platform/errors.ts';
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from '../platform/text.ts';
import { SelectionLimits } from './selection-limits-rule.ts';

const MAX_NESTING = 64;

/**
 * Reads a POST /graphql body the service's way before yoga sees it: JSON under the same 1 MiB cap as
 * REST (413 beyond), multipart streamed by graphql-upload-minimal (yoga's own parser buffers whole
 * files), anything else a 400. Returns undefined for GET (yoga reads the query string itself).
 */
export async function readGraphQLBody(req: IncomingMessage, res: ServerResponse, maxFileBytes: number): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const type = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(type)) {
    let params: unknown;
    try {
      params = await processRequest(withQuietParser(req), res, { maxFileSize: maxFileBytes + 1, maxFiles: 1 });
    } catch (err) {
      // busboy's own errors (no boundary, a body cut short) carry no status, and a form with no
      // parts at all comes as a 500: all are the client's, so only its 4xx statuses are kept.
      const status = (err as { status?: unknown } | null)?.status;
      if (typeof status === 'number' && status >= 400 && status < 500) throw err;
      throw invalidRequest('The multipart body is malformed.');
    }
    // A file's stream can be read once: a second variable naming it would fail mid-operation, after
    // the first had stored it.
    if (countUploads(params) > 1 || uploadVariableUses(params) > 1) {
      throw invalidRequest('The file is named by more than one variable or field; send each file once, for one field.');
    }
    return params;
  }
  if (/^application\/([a-z0-9.+-]*\+)?json\b/i.test(type)) return parseJson(await readJsonText(req));
  req.resume();
  throw invalidRequest('Content-Type must be application/json or multipart/form-data.');
}

/**
 * graphql-upload-minimal listens for one 'error' of its busboy parser and then destroys it, which can
 * emit a second ('Unexpected end of form' after a malformed part header): with no listener left, that
 * one would crash the process. The parser is the one stream it pipes the request into.
 */
function withQuietParser(req: IncomingMessage): IncomingMessage {
  const pipe = req.pipe;
  req.pipe = function quietPipe<T extends NodeJS.WritableStream>(this: IncomingMessage, destination: T, options?: { end?: boolean }): T {
    req.pipe = pipe;
    (destination as unknown as NodeJS.EventEmitter).on('error', () => undefined);
    return pipe.call(this, destination, options) as T;
  };
  return req;
}

/**
 * How often the query uses the variables that hold a file. A file's stream can be read once, so a
 * second field given the same file (two aliased uploadFile) would fail after the first had stored it.
 */
function uploadVariableUses(params: unknown): number {
  const { query, variables } = (params ?? {}) as { query?: unknown; variables?: unknown };
  if (typeof query !== 'string' || variables === null || typeof variables !== 'object') return 0;
  const holders = new Set(Object.entries(variables).filter(([, value]) => countUploads(value) > 0).map(([name]) => name));
  if (holders.size === 0 || nesting(query) > MAX_NESTING) return 0; // too deep: refused by onParams
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch {
    return 0; // yoga reports the syntax error
  }
  let uses = 0;
  visit(document, {
    [Kind.VARIABLE_DEFINITION]: () => false, // `$f: Upload!` declares the variable, it does not use it
    [Kind.VARIABLE](node) {
      if (holders.has(node.name.value)) uses++;
    },
  });
  return uses;
}

/** Upload objects in the parsed operations; walked without recursion, as variables may nest deeply. */
function countUploads(params: unknown): number {
  let count = 0;
  const pending: unknown[] = [params];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value instanceof Upload) count++;
    else if (value !== null && typeof value === 'object') for (const inner of Object.values(value)) pending.push(inner);
  }
  return count;
}

const clientError = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'INVALID_REQUEST', http: { status: 400 } } });

/**
 * Depth of brackets and braces, counted without parsing (graphql's parser recurses per level), past
 * comments, strings and block strings, whose brackets do not nest.
 */
function nesting(query: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (c === '#') {
      while (i < query.length && query[i] !== '\n' && query[i] !== '\r') i++;
    } else if (query.startsWith('"""', i)) {
      for (i += 3; i < query.length && !query.startsWith('"""', i); ) i += query.startsWith('\\"""', i) ? 4 : 1;
      i += 2;
    } else if (c === '"') {
      for (i++; i < query.length && query[i] !== '"' && query[i] !== '\n'; ) i += query[i] === '\\' ? 2 : 1;
    } else if (c === '{' || c === '[' || c === '(') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']' || c === ')') depth--;
  }
  return deepest;
}

/** What is wrong with a request's params before parsing (both transports), or undefined. */
export function paramsProblem(params: unknown): GraphQLError | undefined {
  if (params === null || typeof params !== 'object') return clientError('The request must be a JSON object.');
  const { query, variables } = params as { query?: unknown; variables?: unknown };
  if (query !== undefined && typeof query !== 'string') return clientError('query must be a string.');
  if (typeof query === 'string' && nesting(query) > MAX_NESTING) return clientError(`The query nests deeper than ${MAX_NESTING} levels.`);
  if (findUnstorableText(variables)) return clientError(UNSTORABLE_TEXT_MESSAGE);
  return undefined;
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
    const problem = paramsProblem(params);
    if (problem) throw problem;
  },
  onParse({ parseFn, setParseFn }) {
    // The nesting count keeps deep queries from the parser; should one get past it, the parser's
    // stack overflow is still the client's deep query, not a failure of the service.
    setParseFn((source, options) => {
      try {
        return parseFn(source, options);
      } catch (err) {
        if (err instanceof RangeError) throw clientError(`The query nests too deeply.`);
        throw err;
      }
    });
  },
  onValidate({ params, addValidationRule, validateFn, setValidationFn, setResult }) {
    addValidationRule(SelectionLimits);
    // graphql's own rules recurse along fragment spreads: thousands of them in a chain overflow the stack.
    setValidationFn((...args) => {
      try {
        return validateFn(...args);
      } catch (err) {
        if (err instanceof RangeError) return [clientError('The query spreads its fragments too deeply.')];
        throw err;
      }
    });
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
