import type { Readable } from 'node:stream';
import { GraphQLUpload, type FileUpload } from 'graphql-upload-minimal';
import type { File } from '../generated/prisma/client.ts';
import { builder } from '../graphql/builder.ts';
import { requireService } from '../graphql/service-context.ts';
import { whileAuthorized } from '../graphql/while-authorized.ts';
import { pageQuery } from '../http/rest-route.ts';
import { detachableStream } from '../http/upload-stream.ts';
import { invalidRequest, payloadTooLarge } from '../platform/errors.ts';
import { ObjectTooLargeError } from '../platform/storage/index.ts';
import { deleteFile, getFile, listFiles, sizeMbytes, storageUrlOf, storeFileFromUrl, uploadFile } from './files-service.ts';
import { watchFileStatus } from './file-watch.ts';

builder.addScalarType('Upload', GraphQLUpload, {});

const FileStatus = builder.enumType('FileStatus', { values: ['PROCESSING', 'STORED', 'FAILED'] as const });
const StoreType = builder.enumType('StoreType', { values: ['UPLOAD', 'STORED_FILE', 'OUTPUT'] as const });

export const FileRef = builder.prismaObject('File', {
  description: 'A stored media file. Media fields are null until the file is STORED, or when ffprobe cannot read it.',
  fields: (t) => ({
    fileId: t.exposeID('id'),
    storageUrl: t.string({
      nullable: true,
      description: 'Direct download URL (no API key needed); null until STORED and after delete.',
      resolve: (file, _args, ctx) => storageUrlOf(ctx.deps, file),
    }),
    status: t.field({ type: FileStatus, resolve: (file) => file.status }),
    rendiStoreType: t.field({ type: StoreType, resolve: (file) => file.storeType }),
    isDeleted: t.exposeBoolean('isDeleted'),
    originalFileUrl: t.exposeString('originalFileUrl', { nullable: true }),
    filename: t.exposeString('filename'),
    sizeMbytes: t.float({ nullable: true, resolve: (file) => sizeMbytes(file.sizeBytes) }),
    duration: t.exposeFloat('duration', { nullable: true }),
    fileType: t.exposeString('fileType', { nullable: true }),
    fileFormat: t.exposeString('fileFormat', { nullable: true }),
    codec: t.exposeString('codec', { nullable: true }),
    pixelFormat: t.exposeString('pixelFormat', { nullable: true }),
    mimeType: t.exposeString('mimeType', { nullable: true }),
    width: t.exposeInt('width', { nullable: true }),
    height: t.exposeInt('height', { nullable: true }),
    frameRate: t.exposeFloat('frameRate', { nullable: true }),
    bitrateVideoKb: t.exposeFloat('bitrateVideoKb', { nullable: true }),
    bitrateAudioKb: t.exposeFloat('bitrateAudioKb', { nullable: true }),
    sampleRate: t.exposeInt('sampleRate', { nullable: true }),
    channels: t.exposeInt('channels', { nullable: true }),
    errorStatus: t.exposeString('errorStatus', { nullable: true }),
    errorMessage: t.exposeString('errorMessage', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const FilePage = builder
  .objectRef<{ files: File[]; limit: number; offset: number; total: number }>('FilePage')
  .implement({
    fields: (t) => ({
      files: t.field({ type: [FileRef], resolve: (page) => page.files }),
      limit: t.exposeInt('limit'),
      offset: t.exposeInt('offset'),
      total: t.exposeInt('total'),
    }),
  });

const DeleteFileResult = builder.objectRef<{ deleted: true; fileId: string }>('DeleteFileResult').implement({
  fields: (t) => ({ deleted: t.exposeBoolean('deleted'), fileId: t.exposeID('fileId') }),
});

/** The REST routes' paging rules (pageQuery), for GraphQL arguments. */
export function pageArgs(limit: number, offset: number): { limit: number; offset: number } {
  const parsed = pageQuery.safeParse({ limit, offset });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalidRequest(`${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

builder.queryFields((t) => ({
  file: t.field({
    type: FileRef,
    args: { fileId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => getFile(requireService(ctx), String(args.fileId)),
  }),
  files: t.field({
    type: FilePage,
    description: 'Files of the caller, newest first; deleted files excluded.',
    args: { limit: t.arg.int({ defaultValue: 50 }), offset: t.arg.int({ defaultValue: 0 }) },
    resolve: (_root, args, ctx) => listFiles(requireService(ctx), pageArgs(args.limit ?? 50, args.offset ?? 0)),
  }),
}));

builder.mutationFields((t) => ({
  storeFile: t.field({
    type: FileRef,
    description: 'Imports a file from an http(s) URL; it is downloaded and probed in the background.',
    args: { fileUrl: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const service = requireService(ctx);
      const { fileId } = await storeFileFromUrl(service, { fileUrl: args.fileUrl });
      return getFile(service, fileId);
    },
  }),
  uploadFile: t.field({
    type: FileRef,
    description: 'Uploads a file (GraphQL multipart request); it is probed in the background.',
    args: { file: t.arg({ type: 'Upload', required: true }) },
    resolve: async (_root, args, ctx) => {
      const service = requireService(ctx);
      let upload: FileUpload;
      let source: Readable;
      try {
        upload = await args.file;
        source = upload.createReadStream();
      } catch (err) {
        // The file part failed before the resolver read it: the body was malformed or cut short.
        if ((err as { status?: unknown } | null)?.status === 413) throw payloadTooLarge(service.config.maxFileBytes);
        throw invalidRequest(`The uploaded file could not be read: ${err instanceof Error ? err.message : String(err)}`);
      }
      const copy = detachableStream(source, () => new ObjectTooLargeError(service.config.maxFileBytes));
      try {
        const { fileId } = await uploadFile(service, { filename: upload.filename, contentType: upload.mimetype, stream: copy.stream });
        return await getFile(service, fileId);
      } catch (err) {
        copy.release();
        throw err;
      }
    },
  }),
  deleteFile: t.field({
    type: DeleteFileResult,
    args: { fileId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deleteFile(requireService(ctx), String(args.fileId)),
  }),
}));

builder.subscriptionFields((t) => ({
  fileStatus: t.field({
    type: FileRef,
    description: 'The file now, then again at each status change; completes at STORED or FAILED.',
    args: { fileId: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx) => whileAuthorized(await watchFileStatus(requireService(ctx), String(args.fileId)), ctx.keyStillValid),
    resolve: (file) => file,
  }),
}));
