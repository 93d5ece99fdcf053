import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

export async function execute<T, V>(
  baseUrl: string,
  document: TypedDocumentNode<T, V>,
  variables: V,
  key: string | null,
): Promise<GraphQLResult<T>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as GraphQLResult<T>;
}

/** Reads a subscription over SSE (graphql-yoga's default transport) until it completes. */
export async function subscribeSse<T, V>(
  baseUrl: string,
  document: TypedDocumentNode<T, V>,
  variables: V,
  key: string,
  onEvent?: (event: GraphQLResult<T>) => void,
): Promise<GraphQLResult<T>[]> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': key },
    body: JSON.stringify({ query: print(document), variables }),
  });
  if (!response.body) throw new Error(`no SSE body (${response.status})`);
  const events: GraphQLResult<T>[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event === 'complete') return events;
      if (event === 'next' && data) {
        const parsed = JSON.parse(data) as GraphQLResult<T>;
        events.push(parsed);
        onEvent?.(parsed);
      }
    }
  }
  return events;
}

/** Reads a subscription over WebSocket (graphql-ws protocol) until it completes. */
export function subscribeWs<T, V>(
  baseUrl: string,
  document: TypedDocumentNode<T, V>,
  variables: V,
  key: string,
  onEvent?: (event: GraphQLResult<T>) => void,
): Promise<GraphQLResult<T>[]> {
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { 'X-API-KEY': key },
    retryAttempts: 0,
  });
  const events: GraphQLResult<T>[] = [];
  return new Promise<GraphQLResult<T>[]>((resolve, reject) => {
    client.subscribe<T>(
      { query: print(document), variables: variables as Record<string, unknown> },
      {
        next: (value) => {
          events.push(value as GraphQLResult<T>);
          onEvent?.(value as GraphQLResult<T>);
        },
        error: (err) => reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
        complete: () => resolve(events),
      },
    );
  }).finally(() => client.dispose());
}
