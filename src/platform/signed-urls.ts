import { createHmac, timingSafeEqual } from 'node:crypto';
import { UUID_PATTERN } from './ids.ts';

// storage_url is a capability: an HMAC of the file id with the server secret, so it works without an
// API key, cannot be guessed, and is recognised by this service when it comes back as a command input.
// Download links add an expiry to the signed text so they stop working after a short while.

export interface UrlSigner {
  storageUrl(fileId: string, filename: string): string;
  shortLivedUrl(fileId: string, filename: string, ttlSeconds: number): string;
  /** True when token is the permanent token of fileId or an unexpired short-lived one. */
  verify(fileId: string, token: string, now?: number): boolean;
  /** Recognises this service's own media URLs; returns the file id they name, or null. */
  parseOwnUrl(url: string): { fileId: string; token: string } | null;
}

export function createUrlSigner(secret: string, publicUrl: string): UrlSigner {
  const mac = (text: string) => createHmac('sha256', secret).update(text).digest('base64url').slice(0, 32);
  const base = publicUrl.replace(/\/+$/, '');
  const build = (fileId: string, token: string, filename: string) =>
    `${base}/media/${fileId}/${token}/${encodeURIComponent(filename)}`;
  const ownUrl = new RegExp(`^${escapeRegExp(base)}/media/(${UUID_PATTERN})/([A-Za-z0-9_.-]+)/[^/?#]+$`);

  // Permanent tokens never change; remembering them keeps an HMAC off every file read.
  const permanentTokens = new Map<string, string>();
  const permanentToken = (fileId: string) => {
    let token = permanentTokens.get(fileId);
    if (token === undefined) {
      token = mac(`file:${fileId}`);
      if (permanentTokens.size >= 50_000) permanentTokens.clear();
      permanentTokens.set(fileId, token);
    }
    return token;
  };

  return {
    storageUrl: (fileId, filename) => build(fileId, permanentToken(fileId), filename),
    shortLivedUrl(fileId, filename, ttlSeconds) {
      const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
      return build(fileId, `${expires}.${mac(`file:${fileId}:${expires}`)}`, filename);
    },
    verify(fileId, token, now = Date.now()) {
      const dot = token.indexOf('.');
      if (dot === -1) return safeEqual(token, permanentToken(fileId));
      const expires = Number(token.slice(0, dot));
      if (!Number.isInteger(expires) || expires * 1000 < now) return false;
      return safeEqual(token.slice(dot + 1), mac(`file:${fileId}:${expires}`));
    },
    parseOwnUrl(url) {
      const match = ownUrl.exec(url);
      return match ? { fileId: match[1]!, token: match[2]! } : null;
    },
  };
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
