// Generates src/schema.ts from openapi.json with openapi-typescript, and
// src/rules.ts (the fields' rules, below).
// One adjustment: JsonValue (any JSON value; metadata's values) is recursive
// through arrays, which a property of a TypeScript interface cannot express,
// so it becomes a reference to the type alias JsonValue, declared below.
import { readFileSync, writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";

const here = new URL("..", import.meta.url);
const ast = await openapiTS(new URL("openapi.json", here), {
  rootTypes: true,
  // A default is what the server uses when a field is absent: the field stays optional.
  defaultNonNullable: false,
  transform(_schema, metadata) {
    if (metadata.path === "#/components/schemas/JsonValue") {
      return ts.factory.createTypeReferenceNode("JsonValue");
    }
    return undefined;
  },
});
const alias = `
/** Any JSON value (no string in it may contain U+0000). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
`;
writeFileSync(new URL("src/schema.ts", here), astToString(ast) + alias);

// src/rules.ts: each field's limits as the OpenAPI document states them
// (lengths, bounds, allowed values, defaults, formats), for forms that check
// before they send. The frontend builds its Zod schemas from these, so a
// limit is written once: in the protos.
const doc = JSON.parse(readFileSync(new URL("openapi.json", here), "utf8"));
const KEYS = ["minLength", "maxLength", "minimum", "maximum", "enum", "default", "format", "pattern"];
const pick = (schema) => {
  const out = {};
  for (const key of KEYS) if (schema?.[key] !== undefined) out[key] = schema[key];
  if (Array.isArray(schema?.type) && schema.type.includes("null")) out.nullable = true;
  if (Array.isArray(out.enum)) out.enum = out.enum.filter((v) => v !== null);
  return out;
};
const fieldRules = {};
for (const [name, schema] of Object.entries(doc.components.schemas).sort(([a], [b]) => a.localeCompare(b))) {
  const fields = {};
  for (const [field, s] of Object.entries(schema.properties ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const rules = pick(s);
    if (Object.keys(rules).length > 0) fields[field] = rules;
  }
  if (Object.keys(fields).length > 0) fieldRules[name] = fields;
}
const queryRules = {};
for (const item of Object.values(doc.paths)) {
  for (const op of Object.values(item)) {
    const query = (op.parameters ?? []).filter((p) => p.in === "query");
    if (!op.operationId || query.length === 0) continue;
    queryRules[op.operationId] = Object.fromEntries(query.map((p) => [p.name, pick(p.schema)]));
  }
}
const rulesTs = `// Generated from openapi.json by scripts/generate.mjs (clients/generate.sh): do not edit.
// Each request and response field's rules as the API states them.

/** Rules of the schemas' fields (components.schemas). */
export const fieldRules = ${JSON.stringify(fieldRules, null, 2)} as const;

/** Rules of each operation's query parameters, by operationId. */
export const queryRules = ${JSON.stringify(queryRules, null, 2)} as const;
`;
writeFileSync(new URL("src/rules.ts", here), rulesTs);
