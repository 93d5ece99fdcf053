import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PATTERN = /^ffsk_[0-9a-f]{64}$/;
// The lookup prefix is short enough to reveal nothing useful and long enough to be unique in practice.
const PREFIX_LENGTH = 'ffsk_'.length + 8;

export function generateApiKey(): string {
  return `ffsk_${randomBytes(32).toString('hex')}`;
}

export function keyPrefix(key: string): string {
  return key.slice(0, PREFIX_LENGTH);
}

export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex'); // one-shot: a third of createHash's cost on every request
}

export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
