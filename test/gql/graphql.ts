/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** ISO-8601 UTC timestamp */
  DateTime: { input: string; output: string; }
  JSON: { input: unknown; output: unknown; }
  /** The `Upload` scalar type represents a file upload. */
  Upload: { input: File; output: File; }
};

/** An FFmpeg run: its status, timings, error and stored outputs. */
export type Command = {
  __typename?: 'Command';
  commandId: Scalars['ID']['output'];
  commandType: CommandType;
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  createdAt: Scalars['DateTime']['output'];
  errorMessage?: Maybe<Scalars['String']['output']>;
  errorStatus?: Maybe<Scalars['String']['output']>;
  ffmpegCommandRunSeconds?: Maybe<Scalars['Float']['output']>;
  metadata?: Maybe<Scalars['JSON']['output']>;
  originalRequest: Scalars['JSON']['output'];
  /** The stored outputs; each File carries its outputAlias (out_x). */
  outputFiles: Array<File>;
  /** Percent done while PROCESSING; 100 at SUCCESS */
  progress?: Maybe<Scalars['Float']['output']>;
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: CommandStatus;
  totalProcessingSeconds?: Maybe<Scalars['Float']['output']>;
};

export type CommandPage = {
  __typename?: 'CommandPage';
  commands: Array<Command>;
  limit: Scalars['Int']['output'];
  offset: Scalars['Int']['output'];
  total: Scalars['Int']['output'];
};

export type CommandStatus =
  | 'FAILED'
  | 'PROCESSING'
  | 'QUEUED'
  | 'SUCCESS';

export type CommandType =
  | 'CHAINED_COMMAND'
  | 'FFMPEG_COMMAND'
  | 'MULTIPLE_COMMAND';

export type CreatePresetInput = {
  commandType?: InputMaybe<PresetCommandType>;
  description?: InputMaybe<Scalars['String']['input']>;
  ffmpegCommand?: InputMaybe<Scalars['String']['input']>;
  ffmpegCommands?: InputMaybe<Array<Scalars['String']['input']>>;
  inputFileKeys: Array<Scalars['String']['input']>;
  metadata?: InputMaybe<Scalars['JSON']['input']>;
  name: Scalars['String']['input'];
  /** {"out_x": "name.ext"} */
  outputFileDefinitions: Scalars['JSON']['input'];
};

export type DeleteCommandFilesResult = {
  __typename?: 'DeleteCommandFilesResult';
  deleted: Scalars['Boolean']['output'];
  filesDeleted: Scalars['Int']['output'];
};

export type DeleteFileResult = {
  __typename?: 'DeleteFileResult';
  deleted: Scalars['Boolean']['output'];
  fileId: Scalars['ID']['output'];
};

export type DeletePresetResult = {
  __typename?: 'DeletePresetResult';
  deleted: Scalars['Boolean']['output'];
  presetId: Scalars['ID']['output'];
};

/** A stored media file. Media fields are null until the file is STORED, or when ffprobe cannot read it. */
export type File = {
  __typename?: 'File';
  bitrateAudioKb?: Maybe<Scalars['Float']['output']>;
  bitrateVideoKb?: Maybe<Scalars['Float']['output']>;
  channels?: Maybe<Scalars['Int']['output']>;
  codec?: Maybe<Scalars['String']['output']>;
  command?: Maybe<Command>;
  createdAt: Scalars['DateTime']['output'];
  duration?: Maybe<Scalars['Float']['output']>;
  errorMessage?: Maybe<Scalars['String']['output']>;
  errorStatus?: Maybe<Scalars['String']['output']>;
  fileFormat?: Maybe<Scalars['String']['output']>;
  fileId: Scalars['ID']['output'];
  fileType?: Maybe<Scalars['String']['output']>;
  filename: Scalars['String']['output'];
  frameRate?: Maybe<Scalars['Float']['output']>;
  height?: Maybe<Scalars['Int']['output']>;
  isDeleted: Scalars['Boolean']['output'];
  mimeType?: Maybe<Scalars['String']['output']>;
  originalFileUrl?: Maybe<Scalars['String']['output']>;
  /** For a command output: its out_x key */
  outputAlias?: Maybe<Scalars['String']['output']>;
  pixelFormat?: Maybe<Scalars['String']['output']>;
  rendiStoreType: StoreType;
  sampleRate?: Maybe<Scalars['Int']['output']>;
  sizeMbytes?: Maybe<Scalars['Float']['output']>;
  status: FileStatus;
  /** Direct download URL (no API key needed); null until STORED and after delete. */
  storageUrl?: Maybe<Scalars['String']['output']>;
  width?: Maybe<Scalars['Int']['output']>;
};

export type FilePage = {
  __typename?: 'FilePage';
  files: Array<File>;
  limit: Scalars['Int']['output'];
  offset: Scalars['Int']['output'];
  total: Scalars['Int']['output'];
};

export type FileStatus =
  | 'FAILED'
  | 'PROCESSING'
  | 'STORED';

export type Mutation = {
  __typename?: 'Mutation';
  createPreset: Preset;
  deleteCommandFiles: DeleteCommandFilesResult;
  deleteFile: DeleteFileResult;
  deletePreset: DeletePresetResult;
  /** Deactivates the account webhook. */
  deleteWebhookConfig: Scalars['Boolean']['output'];
  executePreset: Command;
  runChainedFfmpegCommands: Command;
  runFfmpegCommand: Command;
  runMultipleFfmpegCommands: Array<Command>;
  /** Sets the account webhook; re-enables one that was disabled after failures. */
  setWebhookConfig: WebhookConfig;
  /** Imports a file from an http(s) URL; it is downloaded and probed in the background. */
  storeFile: File;
  updatePreset: Preset;
  /** Uploads a file (GraphQL multipart request); it is probed in the background. */
  uploadFile: File;
};


export type MutationCreatePresetArgs = {
  input: CreatePresetInput;
};


export type MutationDeleteCommandFilesArgs = {
  commandId: Scalars['ID']['input'];
};


export type MutationDeleteFileArgs = {
  fileId: Scalars['ID']['input'];
};


export type MutationDeletePresetArgs = {
  presetId: Scalars['ID']['input'];
};


export type MutationExecutePresetArgs = {
  inputFiles: Scalars['JSON']['input'];
  metadata?: InputMaybe<Scalars['JSON']['input']>;
  presetId: Scalars['ID']['input'];
  webhookUrl?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRunChainedFfmpegCommandsArgs = {
  input: RunChainedFfmpegCommandsInput;
};


export type MutationRunFfmpegCommandArgs = {
  input: RunFfmpegCommandInput;
};


export type MutationRunMultipleFfmpegCommandsArgs = {
  commands: Array<RunFfmpegCommandInput>;
};


export type MutationSetWebhookConfigArgs = {
  secret?: InputMaybe<Scalars['String']['input']>;
  url: Scalars['String']['input'];
};


export type MutationStoreFileArgs = {
  fileUrl: Scalars['String']['input'];
};


export type MutationUpdatePresetArgs = {
  input: UpdatePresetInput;
  presetId: Scalars['ID']['input'];
};


export type MutationUploadFileArgs = {
  file: Scalars['Upload']['input'];
};

/** A stored command with placeholders, run later with new inputs. */
export type Preset = {
  __typename?: 'Preset';
  commandType: PresetCommandType;
  createdAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  ffmpegCommand?: Maybe<Scalars['String']['output']>;
  ffmpegCommands?: Maybe<Array<Scalars['String']['output']>>;
  inputFileKeys: Array<Scalars['String']['output']>;
  metadata?: Maybe<Scalars['JSON']['output']>;
  name: Scalars['String']['output'];
  outputFileDefinitions: Scalars['JSON']['output'];
  presetId: Scalars['ID']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type PresetCommandType =
  | 'CHAINED_COMMAND'
  | 'FFMPEG_COMMAND';

export type PresetPage = {
  __typename?: 'PresetPage';
  limit: Scalars['Int']['output'];
  offset: Scalars['Int']['output'];
  presets: Array<Preset>;
  total: Scalars['Int']['output'];
};

export type Query = {
  __typename?: 'Query';
  command: Command;
  /** Commands of the caller, newest first. */
  commands: CommandPage;
  file: File;
  /** Files of the caller, newest first; deleted files excluded. */
  files: FilePage;
  preset: Preset;
  presets: PresetPage;
  webhookConfig: WebhookConfig;
};


export type QueryCommandArgs = {
  commandId: Scalars['ID']['input'];
};


export type QueryCommandsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  offset?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<CommandStatus>;
};


export type QueryFileArgs = {
  fileId: Scalars['ID']['input'];
};


export type QueryFilesArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  offset?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryPresetArgs = {
  presetId: Scalars['ID']['input'];
};


export type QueryPresetsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
  offset?: InputMaybe<Scalars['Int']['input']>;
};

export type RunChainedFfmpegCommandsInput = {
  /** 1 to 10 commands, run in order in one directory */
  ffmpegCommands: Array<Scalars['String']['input']>;
  /** {"in_x": url | storage_url | file id} */
  inputFiles: Scalars['JSON']['input'];
  maxCommandRunSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** At most 10 keys; string, number or boolean values */
  metadata?: InputMaybe<Scalars['JSON']['input']>;
  /** {"out_x": "name.ext"} */
  outputFiles: Scalars['JSON']['input'];
  webhookUrl?: InputMaybe<Scalars['String']['input']>;
};

export type RunFfmpegCommandInput = {
  ffmpegCommand: Scalars['String']['input'];
  /** {"in_x": url | storage_url | file id} */
  inputFiles: Scalars['JSON']['input'];
  maxCommandRunSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** At most 10 keys; string, number or boolean values */
  metadata?: InputMaybe<Scalars['JSON']['input']>;
  /** {"out_x": "name.ext"} */
  outputFiles: Scalars['JSON']['input'];
  webhookUrl?: InputMaybe<Scalars['String']['input']>;
};

export type StoreType =
  | 'OUTPUT'
  | 'STORED_FILE'
  | 'UPLOAD';

export type Subscription = {
  __typename?: 'Subscription';
  /** The command now, then at each status change and progress step; completes at SUCCESS or FAILED. */
  commandStatus: Command;
  /** The file now, then again at each status change; completes at STORED or FAILED. */
  fileStatus: File;
};


export type SubscriptionCommandStatusArgs = {
  commandId: Scalars['ID']['input'];
};


export type SubscriptionFileStatusArgs = {
  fileId: Scalars['ID']['input'];
};

export type UpdatePresetInput = {
  commandType?: InputMaybe<PresetCommandType>;
  description?: InputMaybe<Scalars['String']['input']>;
  ffmpegCommand?: InputMaybe<Scalars['String']['input']>;
  ffmpegCommands?: InputMaybe<Array<Scalars['String']['input']>>;
  inputFileKeys?: InputMaybe<Array<Scalars['String']['input']>>;
  metadata?: InputMaybe<Scalars['JSON']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  /** {"out_x": "name.ext"} */
  outputFileDefinitions?: InputMaybe<Scalars['JSON']['input']>;
};

/** The account webhook: POSTed {data, timestamp} when a command ends. */
export type WebhookConfig = {
  __typename?: 'WebhookConfig';
  configured: Scalars['Boolean']['output'];
  consecutiveFailures?: Maybe<Scalars['Int']['output']>;
  disabledAt?: Maybe<Scalars['DateTime']['output']>;
  isActive?: Maybe<Scalars['Boolean']['output']>;
  url?: Maybe<Scalars['String']['output']>;
};

export type RunCommandMutationVariables = Exact<{
  input: RunFfmpegCommandInput;
}>;


export type RunCommandMutation = { __typename?: 'Mutation', runFfmpegCommand: { __typename?: 'Command', commandId: string, status: CommandStatus, commandType: CommandType, metadata?: unknown | null, originalRequest: unknown } };

export type RunChainedMutationVariables = Exact<{
  input: RunChainedFfmpegCommandsInput;
}>;


export type RunChainedMutation = { __typename?: 'Mutation', runChainedFfmpegCommands: { __typename?: 'Command', commandId: string, status: CommandStatus, commandType: CommandType, originalRequest: unknown } };

export type RunMultipleMutationVariables = Exact<{
  commands: Array<RunFfmpegCommandInput> | RunFfmpegCommandInput;
}>;


export type RunMultipleMutation = { __typename?: 'Mutation', runMultipleFfmpegCommands: Array<{ __typename?: 'Command', commandId: string, status: CommandStatus, commandType: CommandType }> };

export type GetCommandQueryVariables = Exact<{
  commandId: Scalars['ID']['input'];
}>;


export type GetCommandQuery = { __typename?: 'Query', command: { __typename?: 'Command', commandId: string, status: CommandStatus, commandType: CommandType, progress?: number | null, metadata?: unknown | null, errorStatus?: string | null, errorMessage?: string | null, ffmpegCommandRunSeconds?: number | null, totalProcessingSeconds?: number | null, createdAt: string, startedAt?: string | null, completedAt?: string | null, outputFiles: Array<{ __typename?: 'File', fileId: string, outputAlias?: string | null, filename: string, fileType?: string | null, width?: number | null, height?: number | null, storageUrl?: string | null, isDeleted: boolean, rendiStoreType: StoreType }> } };

export type ListCommandsQueryVariables = Exact<{
  status?: InputMaybe<CommandStatus>;
  limit?: InputMaybe<Scalars['Int']['input']>;
  offset?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ListCommandsQuery = { __typename?: 'Query', commands: { __typename?: 'CommandPage', total: number, limit: number, offset: number, commands: Array<{ __typename?: 'Command', commandId: string, status: CommandStatus }> } };

export type DeleteCommandFilesMutationVariables = Exact<{
  commandId: Scalars['ID']['input'];
}>;


export type DeleteCommandFilesMutation = { __typename?: 'Mutation', deleteCommandFiles: { __typename?: 'DeleteCommandFilesResult', deleted: boolean, filesDeleted: number } };

export type CreatePresetMutationVariables = Exact<{
  input: CreatePresetInput;
}>;


export type CreatePresetMutation = { __typename?: 'Mutation', createPreset: { __typename?: 'Preset', presetId: string, name: string, description?: string | null, commandType: PresetCommandType, ffmpegCommand?: string | null, ffmpegCommands?: Array<string> | null, inputFileKeys: Array<string>, outputFileDefinitions: unknown, metadata?: unknown | null, createdAt: string, updatedAt: string } };

export type ListPresetsQueryVariables = Exact<{
  limit?: InputMaybe<Scalars['Int']['input']>;
  offset?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ListPresetsQuery = { __typename?: 'Query', presets: { __typename?: 'PresetPage', total: number, limit: number, offset: number, presets: Array<{ __typename?: 'Preset', presetId: string, name: string }> } };

export type GetPresetQueryVariables = Exact<{
  presetId: Scalars['ID']['input'];
}>;


export type GetPresetQuery = { __typename?: 'Query', preset: { __typename?: 'Preset', presetId: string, name: string, description?: string | null, metadata?: unknown | null, ffmpegCommand?: string | null, inputFileKeys: Array<string> } };

export type UpdatePresetMutationVariables = Exact<{
  presetId: Scalars['ID']['input'];
  input: UpdatePresetInput;
}>;


export type UpdatePresetMutation = { __typename?: 'Mutation', updatePreset: { __typename?: 'Preset', presetId: string, name: string, description?: string | null, metadata?: unknown | null, ffmpegCommand?: string | null, inputFileKeys: Array<string>, outputFileDefinitions: unknown } };

export type ExecutePresetMutationVariables = Exact<{
  presetId: Scalars['ID']['input'];
  inputFiles: Scalars['JSON']['input'];
  metadata?: InputMaybe<Scalars['JSON']['input']>;
}>;


export type ExecutePresetMutation = { __typename?: 'Mutation', executePreset: { __typename?: 'Command', commandId: string, status: CommandStatus, commandType: CommandType, metadata?: unknown | null } };

export type DeletePresetMutationVariables = Exact<{
  presetId: Scalars['ID']['input'];
}>;


export type DeletePresetMutation = { __typename?: 'Mutation', deletePreset: { __typename?: 'DeletePresetResult', deleted: boolean, presetId: string } };

export type SetWebhookMutationVariables = Exact<{
  url: Scalars['String']['input'];
  secret?: InputMaybe<Scalars['String']['input']>;
}>;


export type SetWebhookMutation = { __typename?: 'Mutation', setWebhookConfig: { __typename?: 'WebhookConfig', configured: boolean, url?: string | null, isActive?: boolean | null, consecutiveFailures?: number | null, disabledAt?: string | null } };

export type GetWebhookQueryVariables = Exact<{ [key: string]: never; }>;


export type GetWebhookQuery = { __typename?: 'Query', webhookConfig: { __typename?: 'WebhookConfig', configured: boolean, url?: string | null, isActive?: boolean | null, consecutiveFailures?: number | null, disabledAt?: string | null } };

export type DeleteWebhookMutationVariables = Exact<{ [key: string]: never; }>;


export type DeleteWebhookMutation = { __typename?: 'Mutation', deleteWebhookConfig: boolean };

export type CommandStatusSubscriptionVariables = Exact<{
  commandId: Scalars['ID']['input'];
}>;


export type CommandStatusSubscription = { __typename?: 'Subscription', commandStatus: { __typename?: 'Command', commandId: string, status: CommandStatus, progress?: number | null, outputFiles: Array<{ __typename?: 'File', outputAlias?: string | null, fileType?: string | null }> } };

export type StoreFileMutationVariables = Exact<{
  fileUrl: Scalars['String']['input'];
}>;


export type StoreFileMutation = { __typename?: 'Mutation', storeFile: { __typename?: 'File', fileId: string, status: FileStatus, rendiStoreType: StoreType, originalFileUrl?: string | null, storageUrl?: string | null } };

export type GetFileQueryVariables = Exact<{
  fileId: Scalars['ID']['input'];
}>;


export type GetFileQuery = { __typename?: 'Query', file: { __typename?: 'File', fileId: string, status: FileStatus, fileType?: string | null, codec?: string | null, width?: number | null, height?: number | null, duration?: number | null, storageUrl?: string | null, isDeleted: boolean, sizeMbytes?: number | null } };

export type ListFilesQueryVariables = Exact<{
  limit?: InputMaybe<Scalars['Int']['input']>;
  offset?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ListFilesQuery = { __typename?: 'Query', files: { __typename?: 'FilePage', total: number, limit: number, offset: number, files: Array<{ __typename?: 'File', fileId: string }> } };

export type DeleteFileMutationVariables = Exact<{
  fileId: Scalars['ID']['input'];
}>;


export type DeleteFileMutation = { __typename?: 'Mutation', deleteFile: { __typename?: 'DeleteFileResult', deleted: boolean, fileId: string } };

export type FileStatusSubscriptionVariables = Exact<{
  fileId: Scalars['ID']['input'];
}>;


export type FileStatusSubscription = { __typename?: 'Subscription', fileStatus: { __typename?: 'File', fileId: string, status: FileStatus, fileType?: string | null } };

export type WatchCommandSubscriptionVariables = Exact<{
  commandId: Scalars['ID']['input'];
}>;


export type WatchCommandSubscription = { __typename?: 'Subscription', commandStatus: { __typename?: 'Command', status: CommandStatus, progress?: number | null } };


export const RunCommandDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RunCommand"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RunFfmpegCommandInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runFfmpegCommand"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commandId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"commandType"}},{"kind":"Field","name":{"kind":"Name","value":"metadata"}},{"kind":"Field","name":{"kind":"Name","value":"originalRequest"}}]}}]}}]} as unknown as DocumentNode<RunCommandMutation, RunCommandMutationVariables>;
export const RunChainedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RunChained"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RunChainedFfmpegCommandsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runChainedFfmpegCommands"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commandId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"commandType"}},{"kind":"Field","name":{"kind":"Name","value":"originalRequest"}}]}}]}}]} as unknown as DocumentNode<RunChainedMutation, RunChainedMutationVariables>;
export const RunMultipleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RunMultiple"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"commands"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RunFfmpegCommandInput"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runMultipleFfmpegCommands"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"commands"},"value":{"kind":"Variable","name":{"kind":"Name","value":"commands"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commandId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"commandType"}}]}}]}}]} as unknown as DocumentNode<RunMultipleMutation, RunMultipleMutationVariables>;
export const GetCommandDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetCommand"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"commandId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"command"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"commandId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"commandId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commandId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"commandType"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"metadata"}},{"kind":"Field","name":{"kind":"Name","value":"errorStatus"}},{"kind":"Field","name":{"kind":"Name","value":"errorMessage"}},{"kind":"Field","name":{"kind":"Name","value":"ffmpegCommandRunSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"totalProcessingSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"outputFiles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fileId"}},{"kind":"Field","name":{"kind":"Name","value":"outputAlias"}},{"kind":"Field","name":{"kind":"Name","value":"filename"}},{"kind":"Field","name":{"kind":"Name","value":"fileType"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"storageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"isDeleted"}},{"kind":"Field","name":{"kind":"Name","value":"rendiStoreType"}}]}}]}}]}}]} as unknown as DocumentNode<GetCommandQuery, GetCommandQueryVariables>;
export const ListCommandsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListCommands"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CommandStatus"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"offset"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commands"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}},{"kind":"Argument","name":{"kind":"Name","value":"offset"},"value":{"kind":"Variable","name":{"kind":"Name","value":"offset"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"limit"}},{"kind":"Field","name":{"kind":"Name","value":"offset"}},{"kind":"Field","name":{"kind":"Name","value":"commands"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commandId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<ListCommandsQuery, ListCommandsQueryVariables>;
export const DeleteCommandFilesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteCommandFiles"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"commandId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteCommandFiles"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"commandId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"commandId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"filesDeleted"}}]}}]}}]} as unknown as DocumentNode<DeleteCommandFilesMutation, DeleteCommandFilesMutationVariables>;
export const CreatePresetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreatePreset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePresetInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createPreset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"presetId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"commandType"}},{"kind":"Field","name":{"kind":"Name","value":"ffmpegCommand"}},{"kind":"Field","name":{"kind":"Name","value":"ffmpegCommands"}},{"kind":"Field","name":{"kind":"Name","value":"inputFileKeys"}},{"kind":"Field","name":{"kind":"Name","value":"outputFileDefinitions"}},{"kind":"Field","name":{"kind":"Name","value":"metadata"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]} as unknown as DocumentNode<CreatePresetMutation, CreatePresetMutationVariables>;
export const ListPresetsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListPresets"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"offset"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"presets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}},{"kind":"Argument","name":{"kind":"Name","value":"offset"},"value":{"kind":"Variable","name":{"kind":"Name","value":"offset"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"limit"}},{"kind":"Field","name":{"kind":"Name","value":"offset"}},{"kind":"Field","name":{"kind":"Name","value":"presets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"presetId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<ListPresetsQuery, ListPresetsQueryVariables>;
export const GetPresetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetPreset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"presetId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"preset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"presetId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"presetId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"presetId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"metadata"}},{"kind":"Field","name":{"kind":"Name","value":"ffmpegCommand"}},{"kind":"Field","name":{"kind":"Name","value":"inputFileKeys"}}]}}]}}]} as unknown as DocumentNode<GetPresetQuery, GetPresetQueryVariables>;
export const UpdatePresetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdatePreset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"presetId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdatePresetInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updatePreset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"presetId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"presetId"}}},{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"presetId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"metadata"}},{"kind":"Field","name":{"kind":"Name","value":"ffmpegCommand"}},{"kind":"Field","name":{"kind":"Name","value":"inputFileKeys"}},{"kind":"Field","name":{"kind":"Name","value":"outputFileDefinitions"}}]}}]}}]} as unknown as DocumentNode<UpdatePresetMutation, UpdatePresetMutationVariables>;
export const ExecutePresetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ExecutePreset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"presetId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"inputFiles"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"JSON"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"metadata"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"JSON"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"executePreset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"presetId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"presetId"}}},{"kind":"Argument","name":{"kind":"Name","value":"inputFiles"},"value":{"kind":"Variable","name":{"kind":"Name","value":"inputFiles"}}},{"kind":"Argument","name":{"kind":"Name","value":"metadata"},"value":{"kind":"Variable","name":{"kind":"Name","value":"metadata"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commandId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"commandType"}},{"kind":"Field","name":{"kind":"Name","value":"metadata"}}]}}]}}]} as unknown as DocumentNode<ExecutePresetMutation, ExecutePresetMutationVariables>;
export const DeletePresetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeletePreset"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"presetId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletePreset"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"presetId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"presetId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"presetId"}}]}}]}}]} as unknown as DocumentNode<DeletePresetMutation, DeletePresetMutationVariables>;
export const SetWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetWebhook"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"url"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"secret"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setWebhookConfig"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"url"},"value":{"kind":"Variable","name":{"kind":"Name","value":"url"}}},{"kind":"Argument","name":{"kind":"Name","value":"secret"},"value":{"kind":"Variable","name":{"kind":"Name","value":"secret"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"configured"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"consecutiveFailures"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]}}]} as unknown as DocumentNode<SetWebhookMutation, SetWebhookMutationVariables>;
export const GetWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetWebhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"webhookConfig"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"configured"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"isActive"}},{"kind":"Field","name":{"kind":"Name","value":"consecutiveFailures"}},{"kind":"Field","name":{"kind":"Name","value":"disabledAt"}}]}}]}}]} as unknown as DocumentNode<GetWebhookQuery, GetWebhookQueryVariables>;
export const DeleteWebhookDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteWebhook"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteWebhookConfig"}}]}}]} as unknown as DocumentNode<DeleteWebhookMutation, DeleteWebhookMutationVariables>;
export const CommandStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CommandStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"commandId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commandStatus"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"commandId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"commandId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commandId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}},{"kind":"Field","name":{"kind":"Name","value":"outputFiles"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"outputAlias"}},{"kind":"Field","name":{"kind":"Name","value":"fileType"}}]}}]}}]}}]} as unknown as DocumentNode<CommandStatusSubscription, CommandStatusSubscriptionVariables>;
export const StoreFileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StoreFile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fileUrl"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"storeFile"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fileUrl"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fileUrl"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fileId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"rendiStoreType"}},{"kind":"Field","name":{"kind":"Name","value":"originalFileUrl"}},{"kind":"Field","name":{"kind":"Name","value":"storageUrl"}}]}}]}}]} as unknown as DocumentNode<StoreFileMutation, StoreFileMutationVariables>;
export const GetFileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetFile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fileId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"file"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fileId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fileId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fileId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"fileType"}},{"kind":"Field","name":{"kind":"Name","value":"codec"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"duration"}},{"kind":"Field","name":{"kind":"Name","value":"storageUrl"}},{"kind":"Field","name":{"kind":"Name","value":"isDeleted"}},{"kind":"Field","name":{"kind":"Name","value":"sizeMbytes"}}]}}]}}]} as unknown as DocumentNode<GetFileQuery, GetFileQueryVariables>;
export const ListFilesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListFiles"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"offset"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"files"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}},{"kind":"Argument","name":{"kind":"Name","value":"offset"},"value":{"kind":"Variable","name":{"kind":"Name","value":"offset"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"limit"}},{"kind":"Field","name":{"kind":"Name","value":"offset"}},{"kind":"Field","name":{"kind":"Name","value":"files"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fileId"}}]}}]}}]}}]} as unknown as DocumentNode<ListFilesQuery, ListFilesQueryVariables>;
export const DeleteFileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteFile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fileId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteFile"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fileId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fileId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"fileId"}}]}}]}}]} as unknown as DocumentNode<DeleteFileMutation, DeleteFileMutationVariables>;
export const FileStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"FileStatus"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fileId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fileStatus"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fileId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fileId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fileId"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"fileType"}}]}}]}}]} as unknown as DocumentNode<FileStatusSubscription, FileStatusSubscriptionVariables>;
export const WatchCommandDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"WatchCommand"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"commandId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"commandStatus"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"commandId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"commandId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"progress"}}]}}]}}]} as unknown as DocumentNode<WatchCommandSubscription, WatchCommandSubscriptionVariables>;