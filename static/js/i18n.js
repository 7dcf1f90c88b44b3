// Numbers in sentences: the server hands each plural message in every plural category
// of the page's language (Arabic has six), and Intl.PluralRules picks the one for n.
import { messages } from "./live.js";

const lang = document.documentElement.lang || "en";
const rules = new Intl.PluralRules(lang);

/** tn("dots_left", 3) -> "You have 3 dots left." in the page's language. */
export function tn(key, n, values = {}) {
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
  return `${label}${lang === "fr" ? "\u202f:" : ":"} ${value}`;
}
