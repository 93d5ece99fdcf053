import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';

/**
 * Refuses a selection that comes back to a field it is already inside (`File.command` within
 * `Command.outputFiles` within `File.command`). Such a cycle adds no data a client lacks, but each
 * turn multiplies the answer by a command's outputs (up to 50): ten turns would outgrow any memory.
 * Depth alone would not bound it, since every turn is only two levels. Counted by schema coordinate
 * (`Type.field`), so `files { files }` (Query.files, then FilePage.files) is not a repeat. Fragments
 * are followed where they are spread, so a document that spreads them over and over is refused once
 * the walk has visited MAX_VISITS selections. It also counts aliases (as spread), at most MAX_ALIASES.
 */
const MAX_VISITS = 20_000;
// Aliases are the other multiplier: without them a field asked for twice is merged into one answer.
const MAX_ALIASES = 30;

export const SelectionLimits: ValidationRule = (context) => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const schema = context.getSchema();
  let visits = 0;
  let aliases = 0;

  function walk(selectionSet: SelectionSetNode, type: GraphQLNamedType | undefined, path: Set<string>, spreads: Set<string>): void {
    for (const selection of selectionSet.selections) {
      if (++visits === MAX_VISITS) context.reportError(new GraphQLError('The query selects too many fields once its fragments are spread.'));
      if (visits >= MAX_VISITS) return;
      if (selection.kind === Kind.FIELD) {
        if (selection.alias && ++aliases === MAX_ALIASES + 1) {
          context.reportError(new GraphQLError(`The query uses more than ${MAX_ALIASES} aliases.`, { nodes: selection }));
        }
        if (!selection.selectionSet || !(isObjectType(type) || isInterfaceType(type))) continue;
        const field = type.getFields()[selection.name.value];
        if (!field) continue; // unknown fields are reported by graphql's own rules
        const coordinate = `${type.name}.${field.name}`;
        if (path.has(coordinate)) {
          context.reportError(new GraphQLError(`${coordinate} is selected inside itself: query it once per path.`, { nodes: selection }));
          continue;
        }
        walk(selection.selectionSet, getNamedType(field.type), new Set([...path, coordinate]), spreads);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        walk(selection.selectionSet, condition ?? undefined, path, spreads);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A fragment that spreads itself is graphql's own error (NoFragmentCycles); do not loop on it.
        if (!fragment || spreads.has(name)) continue;
        walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, path, new Set([...spreads, name]));
      }
    }
  }

  return {
    OperationDefinition(operation) {
      const root = schema.getRootType(operation.operation);
      walk(operation.selectionSet, root ?? undefined, new Set(), new Set());
    },
  };
};
