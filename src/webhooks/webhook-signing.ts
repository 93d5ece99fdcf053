import { createHmac } from 'node:crypto';

/** X-Webhook-Signature: hex HMAC-SHA256 of the exact bytes sent, keyed with the account's secret. */
export function signWebhookBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
