// Where a page gets an HF folder's files from, as loadHfModel's ReadFile: the files a user picked
// (<input type="file" webkitdirectory multiple>, or dropped), or a base URL the user typed (fetched
// only when asked: nothing is fetched by default). Browser-safe (File, fetch). Sizes are checked
// before any bytes are read: a picked file's size, a response's Content-Length.

import { HfFolderError, type ReadFile } from './load.js';

// an ArrayBuffer is limited to 2^31−1 bytes in some engines (older Safari, 32-bit Chrome)
export const MAX_BROWSER_FILE_BYTES = 2 ** 31 - 1;

/** Files by their base name (a folder picker gives "gpt2/config.json" as webkitRelativePath;
 *  the base name is what the folder's index and loader ask for). Of two files with one name the
 *  one nearer the picked folder's top wins (an HF repository keeps e.g. onnx/config.json beside
 *  config.json); two at the same depth are an error: the picker was given two model folders. */
export function readerFromFiles(files: Iterable<File>, maxBytes = MAX_BROWSER_FILE_BYTES): ReadFile {
  const byName = new Map<string, { f: File; depth: number }>();
  for (const f of files) {
    const path = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name;
    const parts = path.split('/'), name = parts[parts.length - 1], depth = parts.length;
    const seen = byName.get(name);
    if (seen && seen.depth === depth) throw new HfFolderError(`two files are called "${name}" at the same depth: pick one model folder`);
    if (!seen || depth < seen.depth) byName.set(name, { f, depth });
  }
  return async (name) => {
    const f = byName.get(name)?.f;
    if (!f) return undefined;
    if (f.size > maxBytes) throw new HfFolderError(`${name} is ${f.size} bytes, over the ${maxBytes}-byte limit of one file here`);
    return new Uint8Array(await f.arrayBuffer());
  };
}

/** Files under a base URL ("https://host/models/gpt2/"): a 404 is an absent file, any other
 *  failure an error naming the URL. `fetchFn` defaults to the global fetch. */
export function readerFromUrl(base: string, fetchFn: typeof fetch = fetch, maxBytes = MAX_BROWSER_FILE_BYTES): ReadFile {
  const root = base.endsWith('/') ? base : `${base}/`;
  return async (name) => {
    const url = new URL(name, root).href;
    const res = await fetchFn(url);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new HfFolderError(`GET ${url}: HTTP ${res.status}`);
    const len = Number(res.headers.get('content-length') ?? NaN);
    if (len > maxBytes) throw new HfFolderError(`${url} is ${len} bytes, over the ${maxBytes}-byte limit of one file here`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > maxBytes) throw new HfFolderError(`${url} sent ${bytes.length} bytes, over the ${maxBytes}-byte limit`);
    return bytes;
  };
}
