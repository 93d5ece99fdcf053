import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { AuthenticatedAccount } from '../accounts/accounts-service.ts';
import type { Authorize } from '../accounts/authenticator.ts';
import { MAX_JSON_BODY_BYTES } from '../http/json-body.ts';
import { headerValue } from '../http/respond.ts';
import type { Deps } from '../platform/context.ts';
import type { GraphQLContext } from './builder.ts';
import { createErrorMasker } from './error-mask.ts';
import { useIdempotentAnswer, type PendingIdempotency } from './graphql-idempotency.ts';
import { renderGraphiqlPage, useGraphiqlPolicy } from './graphiql-page.ts';
import { paramsProblem, useRequestGuards } from './request-guards.ts';
import { schema } from './schema.ts';

export interface ServerContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  /** The POST body already read by readGraphQLBody (size-capped JSON, or streamed multipart). */
  bodyParams?: unknown;
  /** The Idempotency-Key this request claimed, settled by its answer. */
  idempotency?: PendingIdempotency;
  /** The account this request was already authorized (and counted) for, with its Idempotency-Key. */
  account?: AuthenticatedAccount;
}

// The body was read before yoga (see readGraphQLBody): hand yoga the parsed params.
const usePreparsedBody = (): Plugin<ServerContext> => ({
  onRequestParse({ serverContext, setRequestParser }) {
    const params = (serverContext as unknown as ServerContext | undefined)?.bodyParams;
    if (params !== undefined) setRequestParser(() => params as never);
  },
});

// yoga answers an Accept header it cannot serve (JSON only for a subscription, say) with a bare 406:
// the client gets the documented error body instead, naming what it may accept.
const useNotAcceptableBody = (): Plugin<ServerContext> => ({
  onResponse({ response, setResponse, fetchAPI, serverContext }) {
    if (response.status !== 406 || response.body !== null) return;
    const accept = response.headers.get('accept') ?? '';
    const requestId = (serverContext as Partial<ServerContext> | undefined)?.requestId;
    const message = `The Accept header allows none of the media types this request can be answered in: ${accept || 'none'}.`;
    const body = JSON.stringify({ errors: [{ message, extensions: { code: 'INVALID_REQUEST', ...(requestId ? { request_id: requestId } : {}) } }] });
    setResponse(new fetchAPI.Response(body, { status: 406, headers: { 'content-type': 'application/json; charset=utf-8', accept } }));
  },
});

export function createGraphQL(deps: Deps, authorize: Authorize) {
  const contextFor = async (apiKey: string | undefined | null, requestId: string, authorized?: AuthenticatedAccount): Promise<GraphQLContext> => {
    // Without a key only the schema can be read (GraphiQL); every field that touches data needs one.
    const account = authorized ?? (apiKey ? await authorize(apiKey) : null);
    const log = deps.log.child({ requestId });
    return {
      deps,
      requestId,
      service: account ? { ...deps, log, accountId: account.accountId, requestId } : null,
      keyStillValid: async () => (await authorize.authenticate(apiKey).catch(() => null)) !== null,
    };
  };

  const maskError = createErrorMasker(deps.log);
  const yoga = createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'FFmpeg media API', subscriptionsProtocol: 'WS' },
    renderGraphiQL: renderGraphiqlPage,
    multipart: false,
    // readGraphQLBody caps bodies before yoga (1 MiB of JSON, MAX_FILE_BYTES of upload); yoga's own
    // 25 MB default would refuse every larger upload by its Content-Length.
    maxRequestBodySize: false,
    maskedErrors: { maskError },
    logging: false,
    plugins: [usePreparsedBody(), useRequestGuards(), useGraphiqlPolicy(), useNotAcceptableBody(), useIdempotentAnswer()],
    context: ({ request, requestId, account }) => contextFor(request.headers.get('x-api-key'), requestId, account),
  });

  /** Serves graphql-ws on the server's /graphql; the returned function closes every socket (1001). */
  function attachWebSocket(server: Server): () => Promise<void> {
    // graphql-ws prints each socket's 'error' (a client's oversized or malformed frame) to stderr with
    // its stack, outside the service's log; ws has already closed such a socket with its close code.
    class QuietWebSocket extends WebSocket {
      override emit(event: string | symbol, ...args: any[]): boolean {
        if (event !== 'error') return super.emit(event, ...args);
        deps.log.debug({ err: args[0] }, 'WebSocket client error');
        return true;
      }
    }
    // The same cap as a POST body (ws would take messages of up to 100 MiB). noServer: attached to the
    // server, ws would pass on the server's own errors (a port in use) as its own, which graphql-ws
    // reports as a fault of this code.
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_JSON_BODY_BYTES, WebSocket: QuietWebSocket });
    server.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').split('?')[0] !== '/graphql') {
        socket.on('error', () => undefined);
        socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client, req));
    });
    const served = useServer<Record<string, unknown>, { request: IncomingMessage }>(
      {
        execute: (args: any) => args.rootValue.execute(args),
        subscribe: (args: any) => args.rootValue.subscribe(args),
        onSubscribe: async (ctx, _id, params) => {
          // The same guards as over HTTP: yoga's onParams does not run for this transport (its
          // validate below runs the onValidate ones). Errors end this operation only, not the whole
          // socket with its other subscriptions.
          const problem = paramsProblem(params);
          if (problem) return [problem];
          const { schema: enveloped, execute, subscribe, parse, validate } = yoga.getEnveloped({
            ...ctx,
            req: ctx.extra.request,
            params,
          });
          let document: DocumentNode;
          try {
            document = parse(params.query);
          } catch (err) {
            return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
          }
          const apiKey = readKey(ctx.connectionParams) ?? headerValue(ctx.extra.request, 'x-api-key');
          let contextValue: GraphQLContext;
          try {
            contextValue = await contextFor(apiKey, `ws-${ctx.extra.request.headers['sec-websocket-key'] ?? ''}`);
          } catch (err) {
            return [maskError(err) as GraphQLError]; // a wrong key: UNAUTHORIZED for this operation
          }
          const args = {
            schema: enveloped,
            operationName: params.operationName,
            document,
            variableValues: params.variables,
            contextValue,
            rootValue: { execute, subscribe },
          };
          const errors = validate(args.schema, args.document);
          return errors.length ? errors : args;
        },
        // extensions.http (a status, Retry-After) tells yoga how to answer over HTTP; a socket message
        // has no status, and the client is not to see it.
        onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(withoutHttp) } : undefined),
        // Errors before execution (syntax, validation, an operation name that names nothing) are the
        // client's: over HTTP the masker gives them INVALID_REQUEST, here they would carry no code.
        onError: (_ctx, _id, _payload, errors) => errors.map((error) => withCode(withoutHttp(error), 'INVALID_REQUEST')),
      },
      wss,
    );
    return async () => {
      // A client that never answers the close frame is cut off, or the server would wait for ws's 30 s.
      setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, 1_000).unref();
      await served.dispose();
    };
  }

  return { yoga, attachWebSocket };
}

function withoutHttp(error: GraphQLError): GraphQLFormattedError {
  const { http: _http, ...extensions } = error.extensions ?? {};
  const { extensions: _all, ...formatted } = error.toJSON();
  return Object.keys(extensions).length ? { ...formatted, extensions } : formatted;
}

function withCode(error: GraphQLFormattedError, code: string): GraphQLFormattedError {
  return error.extensions?.code ? error : { ...error, extensions: { ...error.extensions, code } };
}

function readKey(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.['X-API-KEY'] ?? params?.['x-api-key'] ?? params?.apiKey;
  return typeof value === 'string' ? value : undefined;
}

