// ESLint for the typed client (run by ./plinth test): the recommended rules
// of ESLint and typescript-eslint, type-aware, on the hand-written sources.
// The generated files (src/schema.ts, src/rules.ts) are checked by tsc only.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "example/dist/**", "node_modules/**", "src/schema.ts", "src/rules.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["*.mjs", "scripts/*.mjs"] }, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ["**/*.mjs"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { URL: "readonly", console: "readonly", process: "readonly" } },
  },
);
