// The page's words: the catalogue the server hands every page (<script id="i18n">, in the
// page's language: <html lang>), read at the first lookup rather than at import, so a
// module that only names t() (a reducer) loads where there is no page (Node's tests).
// Numbers in sentences: the server hands each plural message in every plural category
// of the page's language (Arabic has six), and Intl.PluralRules picks the one for n.

let page = null; // {messages, lang, rules}, once read

function catalogue() {
  if (!page) {
    const doc = globalThis.document;
    const node = doc ? doc.getElementById("i18n") : null;
    useCatalogue(node ? JSON.parse(node.textContent) : {}, (doc && doc.documentElement.lang) || "en");
  }
  return page;
}

/** Look words up in `messages`, in `lang`, instead of the page's catalogue (where there
 *  is no page: Node's tests). */
export function useCatalogue(messages, lang = "en") {
  page = { messages, lang, rules: new Intl.PluralRules(lang) };
}

/** Add messages a part of the page hands over apart (Step 3's, #step3-i18n). */
export function addMessages(more) {
  Object.assign(catalogue().messages, more);
}

/** The page's language: "en", "fr" or "ar". */
export function pageLang() {
  return catalogue().lang;
}

/** t("connected") -> the message in the page's language, or the key if it has none. */
export function t(key) {
  return catalogue().messages[key] || key;
}

/** tn("dots_left", 3) -> "You have 3 dots left." in the page's language. */
export function tn(key, n, values = {}) {
  const { messages, rules } = catalogue();
  const forms = messages[key];
  if (!forms || typeof forms !== "object") return `${key} ${n}`;
  const text = forms[rules.select(n)] || forms.other || Object.values(forms)[0];
  return fill(text, { num: n, n, ...values });
}

/** Replace %(name)s / %(name)d with values. Digits stay the ones the server writes. */
export function fill(text, values = {}) {
  return String(text).replace(/%\((\w+)\)[sd]/g, (whole, name) => {
    if (!(name in values)) return whole;
    return String(values[name]);
  });
}

/** "Label: value" with the page's typography: French puts a narrow no-break space
 *  before the colon ("Suivant : Thèmes"). */
export function labelled(label, value) {
  return `${label}${pageLang() === "fr" ? "\u202f:" : ":"} ${value}`;
}
