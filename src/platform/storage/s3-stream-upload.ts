import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';

export interface StreamUploadTarget {
  Bucket: string;
  Key: string;
  ContentType?: string;
}

/**
 * Streams body into one S3 object: a single PutObject when it fits in one part, else a multipart
 * upload with up to queueSize parts in flight, aborted if anything fails.
 *
 * Why not lib-storage's Upload: it concatenates every part into a new buffer, and a part already
 * sent stays in memory until V8's next full collection (outside-heap memory only triggers one every
 * few tens of MB), so one upload's RSS rose by 25 to 66 MB for 15 MB of live parts. Here the part
 * buffers are allocated once per upload, queueSize in flight plus the one being filled, and reused.
 */
export async function uploadStream(
  client: S3Client,
  target: StreamUploadTarget,
  body: AsyncIterable<Buffer>,
  partSize: number,
  queueSize: number,
  onAbortFailed?: (err: unknown, uploadId: string) => void,
): Promise<void> {
  const parallel = Math.max(1, queueSize);
  const spare: Buffer[] = [];
  let current: Buffer = Buffer.allocUnsafe(partSize);
  let filled = 0;
  let uploadId: string | undefined;
  let nextPart = 1;
  const done: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  // The first part that failed. A part can fail while the loop waits for body bytes, when nothing
  // awaits it: every later step checks this, so a gap never reaches CompleteMultipartUpload.
  let failure: { error: unknown } | undefined;
  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };

  const sendPart = async () => {
    throwIfFailed();
    if (uploadId === undefined) {
      const created = await client.send(new CreateMultipartUploadCommand(target));
      if (!created.UploadId) throw new Error('CreateMultipartUpload answered without an UploadId');
      uploadId = created.UploadId;
    }
    while (inFlight.size >= parallel) await Promise.race(inFlight);
    throwIfFailed();
    const buffer = current;
    const PartNumber = nextPart++;
    const part = { Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, PartNumber, Body: buffer.subarray(0, filled), ContentLength: filled };
    const sending: Promise<void> = client
      .send(new UploadPartCommand(part))
      .then(({ ETag }) => {
        if (!ETag) throw new Error(`UploadPart ${PartNumber} answered without an ETag`);
        done.push({ ETag, PartNumber });
        spare.push(buffer); // only now: the store has every byte, and no retry can read it again
      })
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    current = spare.pop() ?? Buffer.allocUnsafe(partSize);
    filled = 0;
  };

  try {
    for await (const chunk of body) {
      for (let offset = 0; offset < chunk.length; ) {
        // A full buffer goes out only once more bytes arrive: a body of exactly one part stays one PutObject.
        if (filled === partSize) await sendPart();
        const copied = chunk.copy(current, filled, offset);
        filled += copied;
        offset += copied;
      }
    }
    if (uploadId === undefined) {
      await client.send(new PutObjectCommand({ ...target, Body: current.subarray(0, filled), ContentLength: filled }));
      return;
    }
    if (filled > 0) await sendPart();
    await Promise.all(inFlight);
    throwIfFailed();
    if (done.length !== nextPart - 1) throw new Error(`only ${done.length} of ${nextPart - 1} parts were stored`);
    done.sort((a, b) => a.PartNumber! - b.PartNumber!);
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, MultipartUpload: { Parts: done } }),
    );
  } catch (err) {
    if (uploadId !== undefined) {
      await Promise.allSettled(inFlight);
      const id = uploadId;
      await client.send(new AbortMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: id })).catch((abortErr: unknown) => onAbortFailed?.(abortErr, id));
    }
    throw err;
  }
}
