import { GetObjectCommand, PutObjectCommand, S3Client, type ServiceInputTypes, type ServiceOutputTypes } from '@aws-sdk/client-s3';
import type { FinalizeRequestMiddleware, SourceData } from '@smithy/types';
import { createHash, createHmac, randomBytes, type Hash, type Hmac } from 'node:crypto';
import { execFile } from 'node:child_process';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3, type TestS3 } from '../../../test/support/s3.ts';
import { markUnsignedPayload, sendLargeBodiesUnsignedOverTls } from './s3-unsigned-payload.ts';

const MIB = 1024 * 1024;
const headersOf = (protocol: string, body: unknown, headers: Record<string, string> = {}) => ({ protocol, headers, body });

describe('markUnsignedPayload', () => {
  it('marks a large buffer body sent over TLS, and nothing else', () => {
    const large = headersOf('https:', Buffer.alloc(MIB));
    markUnsignedPayload(large);
    expect(large.headers).toEqual({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
    const untouched = [
      headersOf('http:', Buffer.alloc(MIB)), // plain HTTP: the signed hash is the only integrity check
      headersOf('https:', Buffer.alloc(1024)), // small: hashing costs nothing
      headersOf('https:', { pipe() {} }), // a stream: the signer sends those unsigned already
      headersOf('https:', Buffer.alloc(MIB), { 'X-Amz-Content-Sha256': 'abc' }), // a hash already given
    ];
    for (const request of untouched) {
      const before = { ...request.headers };
      markUnsignedPayload(request);
      expect(request.headers).toEqual(before);
    }
  });
});

describe('an S3 client with sendLargeBodiesUnsignedOverTls, against s3rver', () => {
  let plain: TestS3;
  let tls: TestS3;
  beforeAll(async () => {
    [plain, tls] = await Promise.all([startS3('plain'), startS3('tls', { tls: true })]);
  });
  afterAll(() => Promise.all([plain?.stop(), tls?.stop()]));

  /** Puts body, and tells how many bytes the signer hashed outside HMACs and the hash header it signed. */
  async function put(s3: TestS3, body: Buffer) {
    let hashed = 0;
    class CountingSha256 {
      private hash: Hash | Hmac;
      constructor(private readonly secret?: SourceData) {
        this.hash = this.fresh();
      }
      private fresh() {
        if (!this.secret) return createHash('sha256');
        const key = this.secret;
        return createHmac('sha256', typeof key === 'string' ? key : ArrayBuffer.isView(key) ? new Uint8Array(key.buffer, key.byteOffset, key.byteLength) : new Uint8Array(key));
      }
      update(data: Uint8Array) {
        if (!this.secret) hashed += data.byteLength;
        this.hash.update(data);
      }
      async digest() {
        return new Uint8Array(this.hash.digest());
      }
      reset() {
        this.hash = this.fresh();
      }
    }
    const client = new S3Client({
      sha256: CountingSha256,
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestHandler: { httpsAgent: new https.Agent({ ca: s3.ca }) },
    });
    sendLargeBodiesUnsignedOverTls(client);
    const signed: Record<string, string>[] = [];
    const record: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next) => async (args) => {
      signed.push({ ...(args.request as { headers: Record<string, string> }).headers });
      return next(args);
    };
    client.middlewareStack.addRelativeTo(record, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'recordSigned' });
    try {
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'a.bin', Body: body }));
      const stored = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'a.bin' }));
      const bytes = Buffer.from(await stored.Body!.transformToByteArray());
      return { hashed, signed: signed[0]!, bytes };
    } finally {
      client.destroy();
    }
  }

  it('over HTTPS the signer hashes no body; over HTTP it signs the body’s hash; both store the bytes sent', async () => {
    const body = randomBytes(3 * MIB + 17);
    const overTls = await put(tls, body);
    expect(overTls.signed['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    expect(overTls.signed.authorization).toMatch(/SignedHeaders=[^,]*x-amz-content-sha256/);
    expect(overTls.hashed).toBeLessThan(4096); // the canonical requests only
    expect(overTls.bytes.equals(body)).toBe(true);

    const overHttp = await put(plain, body);
    expect(overHttp.signed['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(overHttp.hashed).toBeGreaterThan(body.length);
    expect(overHttp.bytes.equals(body)).toBe(true);
  });

  it('the service’s S3 driver sends its parts unsigned over HTTPS and hashed over HTTP, and stores the bytes sent', async () => {
    // The driver runs in a child process: only there can NODE_EXTRA_CA_CERTS make it trust the test certificate.
    const driverModule = fileURLToPath(new URL('./s3-driver.ts', import.meta.url));
    const script = `
      import { createHash } from 'node:crypto';
      import { Readable } from 'node:stream';
      import { createS3Driver } from ${JSON.stringify(driverModule)};
      const block = Buffer.alloc(1024 * 1024, 7);
      const driver = createS3Driver(JSON.parse(process.env.DRIVER));
      const body = Readable.from((function* () { for (let i = 0; i < 12; i++) yield block; })());
      await driver.put('x/parts.bin', body);
      const stored = createHash('sha256');
      for await (const chunk of await driver.getStream('x/parts.bin')) stored.update(chunk);
      process.stdout.write(stored.digest('hex'));`;
    const expected = createHash('sha256').update(Buffer.alloc(12 * MIB, 7)).digest('hex');
    for (const [s3, signed] of [[tls, 'UNSIGNED-PAYLOAD'], [plain, expect.stringMatching(/^[0-9a-f]{64}$/)]] as const) {
      const parts: string[] = [];
      s3.onRequest((req) => {
        if (req.method === 'PUT' && /partNumber=/.test(req.url ?? '')) parts.push(String(req.headers['x-amz-content-sha256']));
      });
      const driver = { bucket: s3.bucket, endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        env: { ...process.env, DRIVER: JSON.stringify(driver), NODE_EXTRA_CA_CERTS: tls.caFile },
      });
      expect(stdout).toBe(expected);
      expect(parts).toHaveLength(3); // 12 MiB in 5 MiB parts
      for (const header of parts) expect(header).toEqual(signed);
    }
  }, 30_000);
});
