// ESLint for the pages' JavaScript: plain ES modules loaded by the browser, no build step.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    ignores: ["node_modules/", "staticfiles/", ".venv/"],
  },
  {
    files: ["static/js/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: { ...globals.browser },
    },
    linterOptions: {
      reportUnusedDisableDirectives: "error",
    },
    rules: {
      ...js.configs.recommended.rules,
      "no-empty": ["error", { allowEmptyCatch: false }],
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "all" }],
    },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: { ...globals.node },
    },
  },
];
