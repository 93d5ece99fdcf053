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
    "\n  mutation RunCommand($input: RunFfmpegCommandInput!) {\n    runFfmpegCommand(input: $input) { commandId status commandType metadata originalRequest }\n  }\n": typeof types.RunCommandDocument,
    "\n  mutation RunChained($input: RunChainedFfmpegCommandsInput!) {\n    runChainedFfmpegCommands(input: $input) { commandId status commandType originalRequest }\n  }\n": typeof types.RunChainedDocument,
    "\n  mutation RunMultiple($commands: [RunFfmpegCommandInput!]!) {\n    runMultipleFfmpegCommands(commands: $commands) { commandId status commandType }\n  }\n": typeof types.RunMultipleDocument,
    "\n  query GetCommand($commandId: ID!) {\n    command(commandId: $commandId) {\n      commandId status commandType progress metadata errorStatus errorMessage\n      ffmpegCommandRunSeconds totalProcessingSeconds createdAt startedAt completedAt\n      outputFiles { fileId outputAlias filename fileType width height storageUrl isDeleted rendiStoreType }\n    }\n  }\n": typeof types.GetCommandDocument,
    "\n  query ListCommands($status: CommandStatus, $limit: Int, $offset: Int) {\n    commands(status: $status, limit: $limit, offset: $offset) { total limit offset commands { commandId status } }\n  }\n": typeof types.ListCommandsDocument,
    "\n  mutation DeleteCommandFiles($commandId: ID!) { deleteCommandFiles(commandId: $commandId) { deleted filesDeleted } }\n": typeof types.DeleteCommandFilesDocument,
    "\n  mutation CreatePreset($input: CreatePresetInput!) {\n    createPreset(input: $input) {\n      presetId name description commandType ffmpegCommand ffmpegCommands inputFileKeys outputFileDefinitions metadata createdAt updatedAt\n    }\n  }\n": typeof types.CreatePresetDocument,
    "\n  query ListPresets($limit: Int, $offset: Int) { presets(limit: $limit, offset: $offset) { total limit offset presets { presetId name } } }\n": typeof types.ListPresetsDocument,
    "\n  query GetPreset($presetId: ID!) { preset(presetId: $presetId) { presetId name description metadata ffmpegCommand inputFileKeys } }\n": typeof types.GetPresetDocument,
    "\n  mutation UpdatePreset($presetId: ID!, $input: UpdatePresetInput!) {\n    updatePreset(presetId: $presetId, input: $input) { presetId name description metadata ffmpegCommand inputFileKeys outputFileDefinitions }\n  }\n": typeof types.UpdatePresetDocument,
    "\n  mutation ExecutePreset($presetId: ID!, $inputFiles: JSON!, $metadata: JSON) {\n    executePreset(presetId: $presetId, inputFiles: $inputFiles, metadata: $metadata) { commandId status commandType metadata }\n  }\n": typeof types.ExecutePresetDocument,
    "\n  mutation DeletePreset($presetId: ID!) { deletePreset(presetId: $presetId) { deleted presetId } }\n": typeof types.DeletePresetDocument,
    "\n  mutation SetWebhook($url: String!, $secret: String) {\n    setWebhookConfig(url: $url, secret: $secret) { configured url isActive consecutiveFailures disabledAt }\n  }\n": typeof types.SetWebhookDocument,
    "\n  query GetWebhook { webhookConfig { configured url isActive consecutiveFailures disabledAt } }\n": typeof types.GetWebhookDocument,
    "\n  mutation DeleteWebhook { deleteWebhookConfig }\n": typeof types.DeleteWebhookDocument,
    "\n  subscription CommandStatus($commandId: ID!) {\n    commandStatus(commandId: $commandId) { commandId status progress outputFiles { outputAlias fileType } }\n  }\n": typeof types.CommandStatusDocument,
    "\n  mutation StoreFile($fileUrl: String!) {\n    storeFile(fileUrl: $fileUrl) { fileId status rendiStoreType originalFileUrl storageUrl }\n  }\n": typeof types.StoreFileDocument,
    "\n  query GetFile($fileId: ID!) {\n    file(fileId: $fileId) { fileId status fileType codec width height duration storageUrl isDeleted sizeMbytes }\n  }\n": typeof types.GetFileDocument,
    "\n  query ListFiles($limit: Int, $offset: Int) {\n    files(limit: $limit, offset: $offset) { total limit offset files { fileId } }\n  }\n": typeof types.ListFilesDocument,
    "\n  mutation DeleteFile($fileId: ID!) { deleteFile(fileId: $fileId) { deleted fileId } }\n": typeof types.DeleteFileDocument,
    "\n  subscription FileStatus($fileId: ID!) { fileStatus(fileId: $fileId) { fileId status fileType } }\n": typeof types.FileStatusDocument,
    "\n  subscription WatchCommand($commandId: ID!) { commandStatus(commandId: $commandId) { status progress } }\n": typeof types.WatchCommandDocument,
};
const documents: Documents = {
    "\n  mutation RunCommand($input: RunFfmpegCommandInput!) {\n    runFfmpegCommand(input: $input) { commandId status commandType metadata originalRequest }\n  }\n": types.RunCommandDocument,
    "\n  mutation RunChained($input: RunChainedFfmpegCommandsInput!) {\n    runChainedFfmpegCommands(input: $input) { commandId status commandType originalRequest }\n  }\n": types.RunChainedDocument,
    "\n  mutation RunMultiple($commands: [RunFfmpegCommandInput!]!) {\n    runMultipleFfmpegCommands(commands: $commands) { commandId status commandType }\n  }\n": types.RunMultipleDocument,
    "\n  query GetCommand($commandId: ID!) {\n    command(commandId: $commandId) {\n      commandId status commandType progress metadata errorStatus errorMessage\n      ffmpegCommandRunSeconds totalProcessingSeconds createdAt startedAt completedAt\n      outputFiles { fileId outputAlias filename fileType width height storageUrl isDeleted rendiStoreType }\n    }\n  }\n": types.GetCommandDocument,
    "\n  query ListCommands($status: CommandStatus, $limit: Int, $offset: Int) {\n    commands(status: $status, limit: $limit, offset: $offset) { total limit offset commands { commandId status } }\n  }\n": types.ListCommandsDocument,
    "\n  mutation DeleteCommandFiles($commandId: ID!) { deleteCommandFiles(commandId: $commandId) { deleted filesDeleted } }\n": types.DeleteCommandFilesDocument,
    "\n  mutation CreatePreset($input: CreatePresetInput!) {\n    createPreset(input: $input) {\n      presetId name description commandType ffmpegCommand ffmpegCommands inputFileKeys outputFileDefinitions metadata createdAt updatedAt\n    }\n  }\n": types.CreatePresetDocument,
    "\n  query ListPresets($limit: Int, $offset: Int) { presets(limit: $limit, offset: $offset) { total limit offset presets { presetId name } } }\n": types.ListPresetsDocument,
    "\n  query GetPreset($presetId: ID!) { preset(presetId: $presetId) { presetId name description metadata ffmpegCommand inputFileKeys } }\n": types.GetPresetDocument,
    "\n  mutation UpdatePreset($presetId: ID!, $input: UpdatePresetInput!) {\n    updatePreset(presetId: $presetId, input: $input) { presetId name description metadata ffmpegCommand inputFileKeys outputFileDefinitions }\n  }\n": types.UpdatePresetDocument,
    "\n  mutation ExecutePreset($presetId: ID!, $inputFiles: JSON!, $metadata: JSON) {\n    executePreset(presetId: $presetId, inputFiles: $inputFiles, metadata: $metadata) { commandId status commandType metadata }\n  }\n": types.ExecutePresetDocument,
    "\n  mutation DeletePreset($presetId: ID!) { deletePreset(presetId: $presetId) { deleted presetId } }\n": types.DeletePresetDocument,
    "\n  mutation SetWebhook($url: String!, $secret: String) {\n    setWebhookConfig(url: $url, secret: $secret) { configured url isActive consecutiveFailures disabledAt }\n  }\n": types.SetWebhookDocument,
    "\n  query GetWebhook { webhookConfig { configured url isActive consecutiveFailures disabledAt } }\n": types.GetWebhookDocument,
    "\n  mutation DeleteWebhook { deleteWebhookConfig }\n": types.DeleteWebhookDocument,
    "\n  subscription CommandStatus($commandId: ID!) {\n    commandStatus(commandId: $commandId) { commandId status progress outputFiles { outputAlias fileType } }\n  }\n": types.CommandStatusDocument,
    "\n  mutation StoreFile($fileUrl: String!) {\n    storeFile(fileUrl: $fileUrl) { fileId status rendiStoreType originalFileUrl storageUrl }\n  }\n": types.StoreFileDocument,
    "\n  query GetFile($fileId: ID!) {\n    file(fileId: $fileId) { fileId status fileType codec width height duration storageUrl isDeleted sizeMbytes }\n  }\n": types.GetFileDocument,
    "\n  query ListFiles($limit: Int, $offset: Int) {\n    files(limit: $limit, offset: $offset) { total limit offset files { fileId } }\n  }\n": types.ListFilesDocument,
    "\n  mutation DeleteFile($fileId: ID!) { deleteFile(fileId: $fileId) { deleted fileId } }\n": types.DeleteFileDocument,
    "\n  subscription FileStatus($fileId: ID!) { fileStatus(fileId: $fileId) { fileId status fileType } }\n": types.FileStatusDocument,
    "\n  subscription WatchCommand($commandId: ID!) { commandStatus(commandId: $commandId) { status progress } }\n": types.WatchCommandDocument,
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
export function graphql(source: "\n  mutation RunCommand($input: RunFfmpegCommandInput!) {\n    runFfmpegCommand(input: $input) { commandId status commandType metadata originalRequest }\n  }\n"): (typeof documents)["\n  mutation RunCommand($input: RunFfmpegCommandInput!) {\n    runFfmpegCommand(input: $input) { commandId status commandType metadata originalRequest }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunChained($input: RunChainedFfmpegCommandsInput!) {\n    runChainedFfmpegCommands(input: $input) { commandId status commandType originalRequest }\n  }\n"): (typeof documents)["\n  mutation RunChained($input: RunChainedFfmpegCommandsInput!) {\n    runChainedFfmpegCommands(input: $input) { commandId status commandType originalRequest }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunMultiple($commands: [RunFfmpegCommandInput!]!) {\n    runMultipleFfmpegCommands(commands: $commands) { commandId status commandType }\n  }\n"): (typeof documents)["\n  mutation RunMultiple($commands: [RunFfmpegCommandInput!]!) {\n    runMultipleFfmpegCommands(commands: $commands) { commandId status commandType }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetCommand($commandId: ID!) {\n    command(commandId: $commandId) {\n      commandId status commandType progress metadata errorStatus errorMessage\n      ffmpegCommandRunSeconds totalProcessingSeconds createdAt startedAt completedAt\n      outputFiles { fileId outputAlias filename fileType width height storageUrl isDeleted rendiStoreType }\n    }\n  }\n"): (typeof documents)["\n  query GetCommand($commandId: ID!) {\n    command(commandId: $commandId) {\n      commandId status commandType progress metadata errorStatus errorMessage\n      ffmpegCommandRunSeconds totalProcessingSeconds createdAt startedAt completedAt\n      outputFiles { fileId outputAlias filename fileType width height storageUrl isDeleted rendiStoreType }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListCommands($status: CommandStatus, $limit: Int, $offset: Int) {\n    commands(status: $status, limit: $limit, offset: $offset) { total limit offset commands { commandId status } }\n  }\n"): (typeof documents)["\n  query ListCommands($status: CommandStatus, $limit: Int, $offset: Int) {\n    commands(status: $status, limit: $limit, offset: $offset) { total limit offset commands { commandId status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteCommandFiles($commandId: ID!) { deleteCommandFiles(commandId: $commandId) { deleted filesDeleted } }\n"): (typeof documents)["\n  mutation DeleteCommandFiles($commandId: ID!) { deleteCommandFiles(commandId: $commandId) { deleted filesDeleted } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreatePreset($input: CreatePresetInput!) {\n    createPreset(input: $input) {\n      presetId name description commandType ffmpegCommand ffmpegCommands inputFileKeys outputFileDefinitions metadata createdAt updatedAt\n    }\n  }\n"): (typeof documents)["\n  mutation CreatePreset($input: CreatePresetInput!) {\n    createPreset(input: $input) {\n      presetId name description commandType ffmpegCommand ffmpegCommands inputFileKeys outputFileDefinitions metadata createdAt updatedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListPresets($limit: Int, $offset: Int) { presets(limit: $limit, offset: $offset) { total limit offset presets { presetId name } } }\n"): (typeof documents)["\n  query ListPresets($limit: Int, $offset: Int) { presets(limit: $limit, offset: $offset) { total limit offset presets { presetId name } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetPreset($presetId: ID!) { preset(presetId: $presetId) { presetId name description metadata ffmpegCommand inputFileKeys } }\n"): (typeof documents)["\n  query GetPreset($presetId: ID!) { preset(presetId: $presetId) { presetId name description metadata ffmpegCommand inputFileKeys } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdatePreset($presetId: ID!, $input: UpdatePresetInput!) {\n    updatePreset(presetId: $presetId, input: $input) { presetId name description metadata ffmpegCommand inputFileKeys outputFileDefinitions }\n  }\n"): (typeof documents)["\n  mutation UpdatePreset($presetId: ID!, $input: UpdatePresetInput!) {\n    updatePreset(presetId: $presetId, input: $input) { presetId name description metadata ffmpegCommand inputFileKeys outputFileDefinitions }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExecutePreset($presetId: ID!, $inputFiles: JSON!, $metadata: JSON) {\n    executePreset(presetId: $presetId, inputFiles: $inputFiles, metadata: $metadata) { commandId status commandType metadata }\n  }\n"): (typeof documents)["\n  mutation ExecutePreset($presetId: ID!, $inputFiles: JSON!, $metadata: JSON) {\n    executePreset(presetId: $presetId, inputFiles: $inputFiles, metadata: $metadata) { commandId status commandType metadata }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeletePreset($presetId: ID!) { deletePreset(presetId: $presetId) { deleted presetId } }\n"): (typeof documents)["\n  mutation DeletePreset($presetId: ID!) { deletePreset(presetId: $presetId) { deleted presetId } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetWebhook($url: String!, $secret: String) {\n    setWebhookConfig(url: $url, secret: $secret) { configured url isActive consecutiveFailures disabledAt }\n  }\n"): (typeof documents)["\n  mutation SetWebhook($url: String!, $secret: String) {\n    setWebhookConfig(url: $url, secret: $secret) { configured url isActive consecutiveFailures disabledAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GetWebhook { webhookConfig { configured url isActive consecutiveFailures disabledAt } }\n"): (typeof documents)["\n  query GetWebhook { webhookConfig { configured url isActive consecutiveFailures disabledAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhook { deleteWebhookConfig }\n"): (typeof documents)["\n  mutation DeleteWebhook { deleteWebhookConfig }\n"];
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
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription WatchCommand($commandId: ID!) { commandStatus(commandId: $commandId) { status progress } }\n"): (typeof documents)["\n  subscription WatchCommand($commandId: ID!) { commandStatus(commandId: $commandId) { status progress } }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;