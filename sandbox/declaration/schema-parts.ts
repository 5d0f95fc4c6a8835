// Pieces of the overlay's JSON schema. `hint` is our own annotation keyword: the fix to suggest
// when the value beside it is wrong.

/** A path starting with "/". */
export const path = (example: string) => ({
  type: 'string',
  pattern: '^/',
  hint: `start the path with "/", e.g. ${example}`,
});

/** A mapping with known keys only; `example` shows its shape when it is not a mapping. */
export const mapping = (
  example: string,
  properties: Record<string, object>,
  required: string[] = [],
) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...(required.length ? { required } : {}),
  hint: `write a mapping, e.g. ${example}`,
});
