/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  subscription CommandStatus($commandId: ID!) {\n    commandStatus(commandId: $commandId) { commandId status progress outputFiles { outputAlias fileType } }\n  }\n": typeof types.CommandStatusDocument,
    "\n  mutation StoreFile($fileUrl: String!) {\n    storeFile(fileUrl: $fileUrl) { fileId status rendiStoreType originalFileUrl storageUrl }\n  }\n": typeof types.StoreFileDocument,
    "\n  query GetFile($fileId: ID!) {\n    file(fileId: $fileId) { fileId status fileType codec width height duration storageUrl isDeleted sizeMbytes }\n  }\n": typeof types.GetFileDocument,
    "\n  query ListFiles($limit: Int, $offset: Int) {\n    files(limit: $limit, offset: $offset) { total limit offset files { fileId } }\n  }\n": typeof types.ListFilesDocument,
    "\n  mutation DeleteFile($fileId: ID!) { deleteFile(fileId: $fileId) { deleted fileId } }\n": typeof types.DeleteFileDocument,
    "\n  subscription FileStatus($fileId: ID!) { fileStatus(fileId: $fileId) { fileId status fileType } }\n": typeof types.FileStatusDocument,
};
const documents: Documents = {
    "\n  subscription CommandStatus($commandId: ID!) {\n    commandStatus(commandId: $commandId) { commandId status progress outputFiles { outputAlias fileType } }\n  }\n": types.CommandStatusDocument,
    "\n  mutation StoreFile($fileUrl: String!) {\n    storeFile(fileUrl: $fileUrl) { fileId status rendiStoreType originalFileUrl storageUrl }\n  }\n": types.StoreFileDocument,
    "\n  query GetFile($fileId: ID!) {\n    file(fileId: $fileId) { fileId status fileType codec width height duration storageUrl isDeleted sizeMbytes }\n  }\n": types.GetFileDocument,
    "\n  query ListFiles($limit: Int, $offset: Int) {\n    files(limit: $limit, offset: $offset) { total limit offset files { fileId } }\n  }\n": types.ListFilesDocument,
    "\n  mutation DeleteFile($fileId: ID!) { deleteFile(fileId: $fileId) { deleted fileId } }\n": types.DeleteFileDocument,
    "\n  subscription FileStatus($fileId: ID!) { fileStatus(fileId: $fileId) { fileId status fileType } }\n": types.FileStatusDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CommandStatus($commandId: ID!) {\n    commandStatus(commandId: $commandId) { commandId status progress outputFiles { outputAlias fileType } }\n  }\n"): (typeof documents)["\n  subscription CommandStatus($commandId: ID!) {\n    commandStatus(commandId: $commandId) { commandId status progress outputFiles { outputAlias fileType } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StoreFile($fileUrl: String!) {\n    storeFile(fileUrl: $fileUrl) { fileId status rendiStoreType originalFileUrl storageUrl }\n  }\n"): (typeof documents)["\n  mutation StoreFile($fileUrl: String!) {\n    storeFile(fileUrl: $fileUrl) { fileId status rendiStoreType originalFileUrl storageUrl }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetFile($fileId: ID!) {\n    file(fileId: $fileId) { fileId status fileType codec width height duration storageUrl isDeleted sizeMbytes }\n  }\n"): (typeof documents)["\n  query GetFile($fileId: ID!) {\n    file(fileId: $fileId) { fileId status fileType codec width height duration storageUrl isDeleted sizeMbytes }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListFiles($limit: Int, $offset: Int) {\n    files(limit: $limit, offset: $offset) { total limit offset files { fileId } }\n  }\n"): (typeof documents)["\n  query ListFiles($limit: Int, $offset: Int) {\n    files(limit: $limit, offset: $offset) { total limit offset files { fileId } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteFile($fileId: ID!) { deleteFile(fileId: $fileId) { deleted fileId } }\n"): (typeof documents)["\n  mutation DeleteFile($fileId: ID!) { deleteFile(fileId: $fileId) { deleted fileId } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FileStatus($fileId: ID!) { fileStatus(fileId: $fileId) { fileId status fileType } }\n"): (typeof documents)["\n  subscription FileStatus($fileId: ID!) { fileStatus(fileId: $fileId) { fileId status fileType } }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;