import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';

/*
 * Limits on the size of an answer, checked before anything runs, per operation, with fragments
 * followed where they are spread:
 * - a selection may not come back to a field it is inside (`File.command` within `Command.outputFiles`
 *   within `File.command`): it adds no data, yet each turn multiplies the answer by a command's outputs;
 *   counted by schema coordinate, so `files { files }` (Query.files, then FilePage.files) is no repeat;
 * - at most MAX_OBJECTS objects, counting every list as its largest page (MAX_LIST);
 * - at most MAX_ALIASES aliases, and none inside introspection (whose lists the count above does not
 *   cover; without aliases, a repeated field is merged into one answer, and counted once);
 * - each page of the Query root (files, commands, presets: the fields with a `limit`) at most once:
 *   a page of commands can hold 100 requests of up to 640 KB each, and copies of it under aliases
 *   made answers of hundreds of MB that the object count cannot see;
 * - a command's originalRequest for at most one page (MAX_LIST) of commands, however reached (a
 *   page of commands, each output's command again: 100 × 100 requests);
 * - fragments spread at most MAX_SPREAD_DEPTH deep and MAX_VISITS selections in all, so that the walk
 *   itself stays cheap.
 */
const MAX_OBJECTS = 50_000;
// Fields that may hold up to 640 KB each (a chain's ten 64 KiB commands): at most one page of them.
const HEAVY_FIELDS = new Set(['Command.originalRequest']);
const MAX_LIST = 100;
const MAX_ALIASES = 30;
const MAX_SPREAD_DEPTH = 64;
const MAX_VISITS = 20_000;

function listFactor(type: GraphQLOutputType): number {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner) ? MAX_LIST : 1;
}

export const SelectionLimits: ValidationRule = (context) => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const schema = context.getSchema();
  let visits = 0;
  let aliases = 0;
  let objects = 0;
  let heavy = 0;
  let refused = false;
  const refuse = (message: string) => {
    if (!refused) context.reportError(new GraphQLError(message));
    refused = true;
  };
  const fieldOf = (type: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> | undefined => {
    if (name === SchemaMetaFieldDef.name && type === schema.getQueryType()) return SchemaMetaFieldDef;
    if (name === TypeMetaFieldDef.name && type === schema.getQueryType()) return TypeMetaFieldDef;
    return isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
  };
  const path = new Set<string>();
  const spreads = new Set<string>();
  const answerPath: string[] = [];
  const counted = new Set<string>();
  const pages = new Set<string>();

  function walk(selectionSet: SelectionSetNode, type: GraphQLNamedType | undefined, count: number): void {
    for (const selection of selectionSet.selections) {
      if (refused) return;
      if (++visits > MAX_VISITS) return refuse('The query selects too many fields once its fragments are spread.');
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        // Inside __schema, or in a type of its own: the lists of introspection, which MAX_OBJECTS does not count.
        const introspection = type?.name.startsWith('__') || name.startsWith('__');
        if (selection.alias && (type?.name.startsWith('__') || name === SchemaMetaFieldDef.name)) {
          return refuse('Aliases are not allowed inside introspection.');
        }
        if (selection.alias && ++aliases > MAX_ALIASES) return refuse(`The query uses more than ${MAX_ALIASES} aliases.`);
        if (!selection.selectionSet && type && HEAVY_FIELDS.has(`${type.name}.${name}`)) {
          const leafKey = `${answerPath.at(-1) ?? ''}.${selection.alias?.value ?? name}`;
          if (!counted.has(leafKey)) {
            counted.add(leafKey);
            if ((heavy += count) > MAX_LIST) {
              return refuse(`${type.name}.${name} may be selected for at most ${MAX_LIST} objects per operation (it may hold 640 KB each).`);
            }
          }
        }
        const field = type && selection.selectionSet ? fieldOf(type, name) : undefined;
        if (!field || !selection.selectionSet) continue; // leaves, and unknown fields (graphql's own rules report them)
        const coordinate = `${type!.name}.${field.name}`;
        if (!introspection && path.has(coordinate)) {
          return refuse(`${coordinate} is selected inside itself: query it once per path.`);
        }
        const here = introspection ? count : count * listFactor(field.type);
        // The same response key under the same parent is merged into one answer (colocated fragments): counted once.
        const answerKey = `${answerPath.at(-1) ?? ''}.${selection.alias?.value ?? name}`;
        if (!introspection && !counted.has(answerKey)) {
          counted.add(answerKey);
          if (type === schema.getQueryType() && field.args.some((arg) => arg.name === 'limit')) {
            if (pages.has(coordinate)) return refuse(`${coordinate} may be selected once per operation: page through it with limit and offset.`);
            pages.add(coordinate);
          }
          if ((objects += here) > MAX_OBJECTS) {
            return refuse(`The answer could hold more than ${MAX_OBJECTS} objects (every list counted as ${MAX_LIST}).`);
          }
        }
        path.add(coordinate);
        answerPath.push(answerKey);
        walk(selection.selectionSet, getNamedType(field.type), here);
        answerPath.pop();
        path.delete(coordinate);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        walk(selection.selectionSet, condition ?? undefined, count);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A fragment that spreads itself is graphql's own error (NoFragmentCycles); do not loop on it.
        if (!fragment || spreads.has(name)) continue;
        if (spreads.size >= MAX_SPREAD_DEPTH) return refuse(`Fragments spread more than ${MAX_SPREAD_DEPTH} deep.`);
        spreads.add(name);
        walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, count);
        spreads.delete(name);
      }
    }
  }

  return {
    OperationDefinition(operation) {
      visits = aliases = objects = heavy = 0;
      refused = false;
      counted.clear();
      pages.clear();
      walk(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined, 1);
    },
  };
};
