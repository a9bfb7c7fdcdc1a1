/**
 * The one reader of RFC 8288 `Link` headers, used by the client, pull and the conformance kit
 * (they had three hand-written ones that disagreed: one was case-sensitive, one missed
 * `rel="prev next"`).
 *
 * RFC 8288 §3: `Link: <uri-ref>; param=value; param="quoted, value", <uri-ref>; ...`. Parameter
 * names are case-insensitive; `rel` is a space-separated list of relation types, also compared
 * case-insensitively (§2.1.1); a URI reference is resolved against the URL that answered (§3.1).
 * Commas inside `<...>` or inside quoted strings do not split links.
 */

export interface LinkValue {
  /** The target, as written (not resolved). */
  target: string;
  /** The relation types, lower-cased. */
  rels: string[];
  /** Every parameter, names lower-cased; the first occurrence of a name wins (§3.3 for rel). */
  params: Record<string, string>;
}

/** Every link of a header; malformed parts are skipped rather than guessed at. */
export function parseLinkHeader(header: string | null | undefined): LinkValue[] {
  if (!header) return [];
  const links: LinkValue[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = () => {
    while (i < n && /[\s]/.test(header[i])) i += 1;
  };
  while (i < n) {
    skipSpace();
    if (header[i] !== '<') {
      // Not a link: skip to the next top-level comma.
      i = nextComma(header, i);
      i += 1;
      continue;
    }
    const end = header.indexOf('>', i + 1);
    if (end === -1) break;
    const target = header.slice(i + 1, end).trim();
    i = end + 1;
    const params: Record<string, string> = {};
    for (;;) {
      skipSpace();
      if (header[i] !== ';') break;
      i += 1;
      skipSpace();
      const nameStart = i;
      while (i < n && !/[\s=;,]/.test(header[i])) i += 1;
      const name = header.slice(nameStart, i).toLowerCase();
      skipSpace();
      let value = '';
      if (header[i] === '=') {
        i += 1;
        skipSpace();
        if (header[i] === '"') {
          i += 1;
          let quoted = '';
          while (i < n && header[i] !== '"') {
            if (header[i] === '\\' && i + 1 < n) i += 1;
            quoted += header[i];
            i += 1;
          }
          i += 1;
          value = quoted;
        } else {
          const valueStart = i;
          while (i < n && !/[\s;,]/.test(header[i])) i += 1;
          value = header.slice(valueStart, i);
        }
      }
      if (name && !(name in params)) params[name] = value;
    }
    links.push({ target, rels: (params.rel ?? '').toLowerCase().split(/\s+/).filter(Boolean), params });
    i = nextComma(header, i) + 1;
  }
  return links;
}

/** The target of the first link with relation `rel`, resolved against `base` when given. */
export function linkTarget(header: string | null | undefined, rel: string, base?: string | URL): string | undefined {
  const wanted = rel.toLowerCase();
  const link = parseLinkHeader(header).find((l) => l.rels.includes(wanted));
  if (!link) return undefined;
  if (base === undefined) return link.target;
  try {
    return new URL(link.target, base).toString();
  } catch {
    return undefined;
  }
}

/** The index of the next comma outside quotes and angle brackets, or the header's length. */
function nextComma(header: string, from: number): number {
  let quoted = false;
  let bracketed = false;
  for (let i = from; i < header.length; i += 1) {
    const c = header[i];
    if (quoted) {
      if (c === '\\') i += 1;
      else if (c === '"') quoted = false;
    } else if (bracketed) {
      if (c === '>') bracketed = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') bracketed = true;
    else if (c === ',') return i;
  }
  return header.length;
}
