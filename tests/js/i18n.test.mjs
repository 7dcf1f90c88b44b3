// The page's words (core/i18n.js): a message in the page's language, a number's plural form
// picked as the language counts, the page's typography. Node has no page: the module
// loads without one, and reads its catalogue only when a word is looked up.
import { test } from "node:test";
import assert from "node:assert/strict";

import { addMessages, fill, labelled, pageLang, t, tn, useCatalogue } from "../../static/js/core/i18n.js";

test("without a page, a word is its key, in English", () => {
  assert.equal(t("connected"), "connected");
  assert.equal(pageLang(), "en");
});

test("a message, and the messages a part of the page adds", () => {
  useCatalogue({ connected: "Connecté" }, "fr");
  addMessages({ objective_text: "Objectif" });
  assert.equal(t("connected"), "Connecté");
  assert.equal(t("objective_text"), "Objectif");
  assert.equal(t("not_handed"), "not_handed");
});

test("Arabic counts in six forms", () => {
  const forms = { zero: "لا نقاط", one: "نقطة واحدة", two: "نقطتان", few: "%(num)d نقاط", many: "%(num)d نقطةً",
    other: "%(num)d نقطة" };
  useCatalogue({ dots_left: forms }, "ar");
  assert.deepEqual([0, 1, 2, 3, 11, 100].map((n) => tn("dots_left", n)),
    ["لا نقاط", "نقطة واحدة", "نقطتان", "3 نقاط", "11 نقطةً", "100 نقطة"]);
});

test("values go into their places; unknown ones stay as written", () => {
  assert.equal(fill("%(name)s joined %(group)s", { name: "Rania" }), "Rania joined %(group)s");
});

test("French puts a narrow no-break space before the colon", () => {
  useCatalogue({}, "fr");
  assert.equal(labelled("Suivant", "Thèmes"), "Suivant\u202f: Thèmes");
  useCatalogue({}, "en");
  assert.equal(labelled("Next", "Themes"), "Next: Themes");
});
