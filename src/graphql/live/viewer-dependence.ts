import { BREAK, getNamedType, type DocumentNode, type GraphQLField, type GraphQLNamedType, type GraphQLSchema, TypeInfo, visit, visitWithTypeInfo } from 'graphql';

/**
 * Field extensions read by the live-update machinery. Mark a field with
 * `extensions: { viewerDependent: true }` when its value, or for a
 * subscription root field its topic, depends on who is asking (reads
 * `ctx.viewer`): subscribers whose selection touches such a field are then
 * executed per viewer instead of sharing one execution.
 */
export interface LiveFieldExtensions {
  viewerDependent?: boolean;
}

interface PothosAuthOptions {
  pothosOptions?: { authScopes?: unknown; grantScopes?: unknown };
}

function fieldDependsOnViewer(field: GraphQLField<unknown, unknown>, isRootField: boolean): boolean {
  const extensions = field.extensions as LiveFieldExtensions & PothosAuthOptions;
  if (extensions.viewerDependent === true) return true;
  // Root scopes are checked per subscriber when subscribing (authorizeOnSubscribe);
  // scopes deeper down are checked per execution, so their outcome depends on the viewer.
  return !isRootField && (extensions.pothosOptions?.authScopes !== undefined || extensions.pothosOptions?.grantScopes !== undefined);
}

function typeDependsOnViewer(type: GraphQLNamedType): boolean {
  return (type.extensions as PothosAuthOptions).pothosOptions?.authScopes !== undefined;
}

const cache = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, boolean>>();

/**
 * Whether the document selects anything whose result depends on the viewer:
 * a field marked `viewerDependent`, or a nested field or type guarded by
 * auth scopes. Cached per parsed document (yoga's parser cache hands out the
 * same document object for the same query text).
 */
export function selectsViewerDependentField(schema: GraphQLSchema, document: DocumentNode): boolean {
  let perSchema = cache.get(schema);
  if (!perSchema) {
    perSchema = new WeakMap();
    cache.set(schema, perSchema);
  }
  const known = perSchema.get(document);
  if (known !== undefined) return known;

  const rootTypes = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  const typeInfo = new TypeInfo(schema);
  let dependent = false;
  // Every fragment in a valid document is used, so visiting the whole document is exact for one operation
  // and errs on the side of "dependent" when a document holds several.
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (!field) return;
        if (fieldDependsOnViewer(field, rootTypes.has(parent as never)) || typeDependsOnViewer(getNamedType(field.type))) {
          dependent = true;
          return BREAK;
        }
      },
    }),
  );
  perSchema.set(document, dependent);
  return dependent;
}
