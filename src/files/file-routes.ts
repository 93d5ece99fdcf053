import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { readMultipart } from '../http/multipart.ts';
import { defineRoute, pageQuery, type RestRoute } from '../http/rest-route.ts';
import { invalidRequest, validationError } from '../platform/errors.ts';
import type { ServiceContext } from '../platform/context.ts';
import { deleteFile, discardUpload, downloadUrl, getFile, listFiles, storeFileFromUrl, uploadFile } from './files-service.ts';
import { fileToRest, restFileSchema } from './file-rest.ts';

const fileIdParams = z.object({ fileId: z.string().describe('The file id (UUID).') });
const fileIdBody = z.object({ file_id: z.string() });
const uploadFields = { file: { type: 'file' as const, description: 'The file to upload.' } };

/**
 * Streams the multipart `file` field into storage; optionally accepts `file_url` instead (FetchMedia
 * style). When the request as a whole is refused after the file went in, the file is undone.
 */
async function createFromMultipart(ctx: ServiceContext, request: IncomingMessage, allowUrl: boolean, fingerprint: ((content: string) => void) | undefined) {
  let upload: Promise<{ fileId: string }> | undefined;
  const refuseBoth = () => invalidRequest('Send either file or file_url, not both.');
  try {
    const { file, fields } = await readMultipart(request, 'file', (part, fieldsSoFar) => {
      if (allowUrl && fieldsSoFar.file_url !== undefined) return Promise.reject(refuseBoth());
      upload = uploadFile(ctx, { filename: part.filename, contentType: part.mimeType, stream: part.stream });
      return upload;
    }, fingerprint);
    if (file && allowUrl && fields.file_url !== undefined) throw refuseBoth();
    if (file) return file;
    if (allowUrl && fields.file_url !== undefined) return await storeFileFromUrl(ctx, { fileUrl: fields.file_url });
  } catch (err) {
    const uploaded = await upload?.catch(() => undefined);
    if (uploaded) await discardUpload(ctx, uploaded.fileId);
    throw err;
  }
  const missing = allowUrl ? 'a file field or a file_url field' : 'a file field';
  throw validationError(`The form data must contain ${missing}.`, [
    { loc: ['body', 'file'], msg: 'field required', type: 'value_error.missing' },
  ]);
}

export const fileRoutes: RestRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/api/v1/files/store-file',
    operationId: 'storeFile',
    summary: 'Store a file from a URL (downloaded and probed in the background)',
    tag: 'Files',
    body: z.object({ file_url: z.string().describe('A public http(s) URL to download the file from.') }),
    response: { status: 200, description: 'The new file id; poll Get File for its status.', schema: fileIdBody },
    errors: [400, 401, 422, 429],
    handle: async (ctx, { body }) => {
      const { fileId } = await storeFileFromUrl(ctx, { fileUrl: body.file_url });
      return { body: { file_id: fileId } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/files/upload',
    operationId: 'uploadFile',
    summary: 'Upload a file (multipart/form-data, one field `file`)',
    tag: 'Files',
    multipart: { fields: uploadFields },
    response: { status: 200, description: 'The new file id; poll Get File for its status.', schema: fileIdBody },
    errors: [400, 401, 413, 422, 429],
    handle: async (ctx, { request, fingerprint }) => ({ body: { file_id: (await createFromMultipart(ctx, request, false, fingerprint)).fileId } }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/v1/files',
    operationId: 'createFile',
    summary: 'Create a file from an upload (`file`) or a URL (`file_url`), multipart/form-data',
    tag: 'Files',
    multipart: {
      fields: { ...uploadFields, file_url: { type: 'string', description: 'A public http(s) URL to import instead.' } },
    },
    response: { status: 200, description: 'The new file id.', schema: fileIdBody },
    errors: [400, 401, 413, 422, 429],
    handle: async (ctx, { request, fingerprint }) => ({ body: { file_id: (await createFromMultipart(ctx, request, true, fingerprint)).fileId } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/files',
    operationId: 'listFiles',
    summary: 'List files, newest first (deleted files excluded)',
    tag: 'Files',
    query: pageQuery,
    response: {
      status: 200,
      description: 'One page of files.',
      schema: z.object({ files: z.array(restFileSchema), limit: z.number(), offset: z.number(), total: z.number() }),
    },
    errors: [400, 401, 429],
    handle: async (ctx, { query }) => {
      const page = await listFiles(ctx, query);
      return { body: { ...page, files: page.files.map((f) => fileToRest(ctx, f)) } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/files/:fileId',
    operationId: 'getFile',
    summary: 'Get a file: status, storage_url and ffprobe metadata',
    tag: 'Files',
    params: fileIdParams,
    response: { status: 200, description: 'The file.', schema: restFileSchema },
    errors: [401, 404, 429],
    handle: async (ctx, { params }) => ({ body: fileToRest(ctx, await getFile(ctx, params.fileId)) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/v1/files/:fileId',
    operationId: 'deleteFile',
    summary: 'Delete a file: bytes removed, record kept with is_deleted true',
    tag: 'Files',
    params: fileIdParams,
    response: {
      status: 200,
      description: 'Deleted.',
      schema: z.object({ deleted: z.literal(true), file_id: z.string() }),
    },
    errors: [401, 404, 429],
    handle: async (ctx, { params }) => {
      const result = await deleteFile(ctx, params.fileId);
      return { body: { deleted: result.deleted, file_id: result.fileId } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/v1/files/:fileId/:filename',
    operationId: 'downloadFile',
    summary: 'Download a file: 302 to a short-lived signed URL',
    tag: 'Files',
    params: fileIdParams.extend({ filename: z.string().describe('The file name as Get File shows it.') }),
    response: { status: 302, description: 'Redirect to a signed URL of the bytes.', redirect: true },
    errors: [401, 404, 429],
    handle: async (ctx, { params }) => ({ redirect: await downloadUrl(ctx, params.fileId, params.filename) }),
  }),
];
