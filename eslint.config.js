// eslint's flat config: `npx eslint static/js tests/js` (scripts/test.sh runs it before
// the Python suite). eslint's recommended rules, plus the house rules the code keeps: no
// HTML parsed from strings (the CSP and docs/architecture.md: every node is built with
// el()), strict equality, and nothing leaked to the page's global scope.
import js from "@eslint/js";
import globals from "globals";

const NO_HTML = "builds HTML from a string: build nodes with el() (static/js/core/dom.js) instead";

export default [
  js.configs.recommended,
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      eqeqeq: ["error", "always", { null: "ignore" }], // `x != null`: null or undefined
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", { args: "after-used" }],
      // a view's `let client;` is assigned once, at its end, but read before by the
      // callbacks the client calls while it is being made: it cannot be a const
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      "no-var": "error",
      "no-restricted-properties": ["error",
        { object: "document", property: "write", message: NO_HTML },
        { object: "document", property: "writeln", message: NO_HTML },
        { property: "insertAdjacentHTML", message: NO_HTML },
        { property: "createContextualFragment", message: NO_HTML },
        { property: "setHTMLUnsafe", message: NO_HTML }],
      "no-restricted-syntax": ["error",
        { selector: "MemberExpression[property.name=/^(innerHTML|outerHTML)$/]", message: NO_HTML },
        { selector: "MemberExpression[property.value=/^(innerHTML|outerHTML)$/]", message: NO_HTML }],
      // the CSP refuses code made from strings
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
    },
  },
  {
    // the pages' modules: the browser's globals, and Socket.IO's client (a classic script
    // the live pages load before their module, from /vendor/)
    files: ["static/js/**/*.js"],
    languageOptions: { globals: { ...globals.browser, io: "readonly" } },
  },
  {
    // Node's own test runner: no page, no browser globals
    files: ["tests/js/**/*.mjs", "eslint.config.js"],
    languageOptions: { globals: { ...globals.node } },
  },
];
