// Generates src/schema.ts from openapi.json with openapi-typescript.
// One adjustment: JsonValue (any JSON value; metadata's values) is recursive
// through arrays, which a property of a TypeScript interface cannot express,
// so it becomes a reference to the type alias JsonValue, declared below.
import { writeFileSync } from "node:fs";
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
