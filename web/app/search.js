// The server's search, mirrored in the browser to highlight what matched
// (and to tell whether a task that arrives by a live update belongs in a
// search's results). The server (GET /tasks?q=, docs/API.md) splits q into
// words at white space; each word is cut into tokens (runs of letters and
// digits; each Chinese or Japanese character is a token of its own),
// compared ignoring case and accents; a word matches where its tokens
// appear in order, the last one by prefix ("rep" finds "report", "e-mail"
// finds "e mail"); every word must match.

// Case and accents folded away: "Café" -> "cafe". NFD splits "é" into "e"
// and a combining mark (\p{M}), which is then dropped.
export function fold(text) {
  return text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

// The characters indexed one per token (as src/store/sqlite/tokenizer.cpp).
function isCjk(cp) {
  return (
    (cp >= 0x3005 && cp <= 0x3007) ||
    (cp >= 0x3040 && cp <= 0x30ff) ||
    (cp >= 0x3100 && cp <= 0x312f) ||
    (cp >= 0x31a0 && cp <= 0x31bf) ||
    (cp >= 0x31f0 && cp <= 0x31ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xff66 && cp <= 0xff9f) ||
    (cp >= 0x20000 && cp <= 0x323af)
  );
}

// Letters, digits, private-use characters, and combining marks (so that a
// decomposed "e" + accent stays one token).
const TOKEN_RUN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;

// The tokens of `text`: [{start, end, folded}], start/end indexing `text`.
export function tokens(text) {
  const out = [];
  const push = (start, end) => out.push({ start, end, folded: fold(text.slice(start, end)) });
  for (const run of text.matchAll(TOKEN_RUN)) {
    const end = run.index + run[0].length;
    let from = run.index;
    for (let i = run.index; i < end; ) {
      const cp = text.codePointAt(i);
      const next = i + (cp > 0xffff ? 2 : 1);
      if (isCjk(cp)) {
        if (i > from) push(from, i);
        push(i, next);
        from = next;
      }
      i = next;
    }
    if (end > from) push(from, end);
  }
  return out;
}

// The words of a search box's text, each a list of folded tokens; words
// with no letter or digit are dropped (the server would refuse a q made of
// only those: 422 search_no_words, so the app does not send one).
export function searchWords(q) {
  return q
    .split(/\s+/u)
    .map((word) => tokens(word).map((t) => t.folded))
    .filter((word) => word.length > 0);
}

// Where in the token list `textTokens` each search word matches: a list of
// [start, end) ranges of the text (the last token of a word only as far as
// its prefix matched).
function matchRanges(text, textTokens, words) {
  const ranges = [];
  for (const word of words) {
    const last = word.length - 1;
    for (let k = 0; k + last < textTokens.length; k++) {
      let ok = true;
      for (let j = 0; j < last && ok; j++) ok = textTokens[k + j].folded === word[j];
      const tail = textTokens[k + last];
      if (!ok || !tail.folded.startsWith(word[last])) continue;
      ranges.push([textTokens[k].start, prefixEnd(text, tail, word[last].length)]);
    }
  }
  return ranges;
}

// The index in `text` where the first `foldedLength` characters of the
// token's folded form end (folding can change lengths: "é" is 2 code units
// in NFD, 1 in the folded form).
function prefixEnd(text, token, foldedLength) {
  let length = 0;
  let i = token.start;
  while (i < token.end && length < foldedLength) {
    const cp = text.codePointAt(i);
    const next = i + (cp > 0xffff ? 2 : 1);
    length += fold(text.slice(i, next)).length;
    i = next;
  }
  return i;
}

// True if every word matches somewhere in one of `texts`.
export function matchesAll(texts, words) {
  const tokenized = texts.map((text) => [text, tokens(text)]);
  return words.every((word) =>
    tokenized.some(([text, toks]) => matchRanges(text, toks, [word]).length > 0),
  );
}

// `text` as nodes, with each match of `words` in a <mark>. Only text nodes
// are created from the text itself: it is never parsed as HTML.
export function highlight(text, words) {
  if (!words.length) return [document.createTextNode(text)];
  const ranges = matchRanges(text, tokens(text), words).sort((a, b) => a[0] - b[0]);
  const nodes = [];
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) continue; // inside a range already marked
    const from = Math.max(start, at);
    if (from > at) nodes.push(document.createTextNode(text.slice(at, from)));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(from, end);
    nodes.push(mark);
    at = end;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}
