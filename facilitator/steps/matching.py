"""Text matching shared by every step: the same words however they are typed.

Step 2 suggests themes from similar cards, step 3 recognises an actor a group already
has under another spelling, step 4 suggests synergies across groups. All of them
normalise the same way (case, accents, Arabic letter forms and marks), weigh words the
same way (TF-IDF over the texts compared) and match an acronym against a full name here,
so a fix to matching is made once.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

_ARABIC_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي",
                               "ؤ": "و", "ئ": "ي", "ی": "ي", "ک": "ك", "ـ": ""})
_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_WORD = re.compile(r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")
_ARABIC_ARTICLES = ("وال", "بال", "فال", "كال", "لل", "ال")


def normalise(text: str) -> str:
    """One spelling per word across keyboards: case, accents, Arabic letter forms, marks."""
    text = unicodedata.normalize("NFKC", text)  # Arabic presentation forms to letters
    text = _TASHKEEL.sub("", text.translate(_ARABIC_FORMS))
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


_STOP_WORDS = {normalise(w) for w in """
    the and for with from that this these those are was were been being have has had not but
    all can will would should could into more than they them their there our ours your its
    his her she him who whom what when where which while how also about such very other some
    any each between through over under out via per use using make made most much many
    one new need needs want wants
    les des une est pour par avec dans sur que qui aux ces cette ses son leur leurs nos notre
    vos votre plus pas mais comme tout tous toute toutes entre sans sous ont sont être avoir
    fait faire elle elles ils nous vous donc ainsi afin chez dont aussi très peu cela ceci
    في من على إلى الى عن مع هذا هذه ذلك تلك التي الذي الذين أو او أن ان إن كان كانت لا ما هو
    هي هم نحن كل بين عند حتى قد ثم لقد أي ايضا أيضا غير بعد قبل لدى له لها لهم وهو وفي ومن
    """.split()}


def _stem(token: str) -> str:
    """A light stem, enough for plurals and the Arabic article to meet."""
    if token.isascii():
        return token[:-1] if len(token) > 4 and token.endswith("s") and token[-2] != "s" else token
    for article in _ARABIC_ARTICLES:
        if token.startswith(article) and len(token) - len(article) >= 3:
            return token[len(article):]
    return token


def tokens(text: str) -> dict[str, str]:
    """The card's meaningful words, normalised, each with a spelling from the card."""
    found: dict[str, str] = {}
    for word in _WORD.findall(text or ""):
        for token in re.findall(r"\w+", normalise(word)):
            if len(token) < 3 or token in _STOP_WORDS or token.isdigit():
                continue
            found.setdefault(_stem(token), word)
    return found


def tfidf_vectors(texts: dict[int, str]) -> tuple[dict, dict]:
    """Each text's words (normalised -> as written) and its unit TF-IDF vector."""
    words = {key: tokens(text) for key, text in texts.items()}
    words = {key: found for key, found in words.items() if found}
    df = Counter(token for found in words.values() for token in found)
    n = len(words)
    vectors: dict[int, dict[str, float]] = {}
    for key, found in words.items():
        weights = {t: math.log((1 + n) / (1 + df[t])) + 1 for t in found}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        vectors[key] = {t: w / norm for t, w in weights.items()}
    return words, vectors


def cosine(va: dict[str, float], vb: dict[str, float]) -> float:
    return sum(w * vb[t] for t, w in va.items() if t in vb)


def similarity_groups(texts: dict[int, str], threshold: float) -> list[dict]:
    """Greedy clustering of texts by TF-IDF cosine over their word sets: each text joins
    the group it is most similar to on average, if that reaches the threshold."""
    words, vectors = tfidf_vectors(texts)

    groups: list[list[int]] = []
    for key in sorted(vectors):
        scored = [(sum(cosine(vectors[key], vectors[m]) for m in g) / len(g), i)
                  for i, g in enumerate(groups)]
        best = max(scored, default=(0.0, -1))
        if best[0] >= threshold:
            groups[best[1]].append(key)
        else:
            groups.append([key])
    result = []
    for group in groups:
        if len(group) < 2:
            continue
        weight = Counter()
        for key in group:
            weight.update(vectors[key])
        shared = sorted((t for t in weight if sum(t in vectors[k] for k in group) > 1),
                        key=lambda t: (-round(weight[t], 6), -len(t)))
        keywords = [words[group[0]].get(t) or next(words[k][t] for k in group if t in words[k])
                    for t in shared[:3]]
        result.append({"idea_ids": group, "keywords": keywords})
    return result


# --- names: the same organisation written two ways ----------------------------------

_NAME_STOP = {normalise(w) for w in """
    of the for and de du des la le les et pour d l al wa
    """.split()}


def name_key(name: str) -> str:
    """A name as compared: normalised words, no punctuation."""
    return " ".join(re.findall(r"\w+", normalise(name or "")))


def acronym(name: str) -> str:
    """The initials of a name's significant words ("Investment Development Authority of
    Lebanon" -> "idal"), or the name itself when it is one word (an acronym already)."""
    words = [w for w in re.findall(r"\w+", normalise(name or ""))]
    if len(words) == 1:
        return words[0]
    return "".join(w[0] for w in words if w not in _NAME_STOP)


def _initials(name: str) -> set[str]:
    """Initials with and without the small words: "Banque du Liban" -> {"bl", "bdl"},
    "Ministry of Foreign Affairs" -> {"mfa", "mofa"}."""
    words = re.findall(r"\w+", normalise(name or ""))
    if len(words) < 2:
        return set()
    return {acronym(name), "".join(w[0] for w in words)}


def acronym_in(name: str) -> set[str]:
    """Acronyms a name carries: its initials, and any word written in capitals or in
    brackets ("Chamber of Commerce (CCIA-BML)" -> {"coc", "cciabml", "ccia", "bml"})."""
    found = _initials(name)
    for word in re.findall(r"[\w-]+", name or ""):
        letters = word.replace("-", "")
        if len(letters) >= 2 and letters.isupper():
            found.add(normalise(letters))
            found.update(normalise(part) for part in word.split("-") if len(part) >= 2)
    return {a for a in found if len(a) >= 2}


def same_name(a: str, b: str) -> str | None:
    """Why two names look like one organisation ("same name", "acronym"), or None."""
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return None
    if key_a == key_b or key_a.replace(" ", "") == key_b.replace(" ", ""):
        return "same name"
    single_a, single_b = " " not in key_a, " " not in key_b
    if single_a and len(key_a) >= 2 and key_a in acronym_in(b):
        return "acronym"
    if single_b and len(key_b) >= 2 and key_b in acronym_in(a):
        return "acronym"
    if acronym_in(a) & acronym_in(b):
        return "acronym"
    return None
