// The browser's two ways to an HF folder, run in Node (File and Response are globals in Node 20):
// picked files (folder picker paths, duplicate names refused, sizes checked before reading) and
// a base URL through a fetch (404 = absent, other statuses and oversized bodies refused). The
// committed tiny folder loads through each with the same logits as from disk.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JsBackend } from '../../ts/backend/js/index.js';
import { loadHfModel, readHfConfig, estimateModelBytes } from '../../ts/hf/load.js';
import { loadHfDir } from '../../ts/hf/node.js';
import { readerFromFiles, readerFromUrl } from '../../ts/hf/sources.js';

const TINY = fileURLToPath(new URL('../fixtures/hf/tiny/', import.meta.url));
const be = new JsBackend();
const picked = () => readdirSync(TINY).map((f) => new File([readFileSync(TINY + f)], `tiny/${f}`));
const IDS = [[5, 299, 17, 42]];
const logits = async (read: Parameters<typeof loadHfModel>[1]) => {
  const { model } = await loadHfModel(be, read);
  const l = be.scope(() => model.forward(IDS).logits.toArray());
  model.free();
  return l;
};

describe('HF folders from a page', () => {
  it('picked files load as from disk, and config.json alone gives the memory estimate first', async () => {
    const read = readerFromFiles(picked());
    const { config, bytes } = await readHfConfig(read);
    expect(bytes).toBe(estimateModelBytes(config));
    expect(bytes).toBeGreaterThan(0);
    const { model } = await loadHfDir(be, TINY);
    const want = be.scope(() => model.forward(IDS).logits.toArray());
    model.free();
    expect(await logits(read)).toEqual(want);
  });
  it('two folders picked at once, or a file over the limit, are refused before reading', async () => {
    expect(() => readerFromFiles([...picked(), new File(['{}'], 'other/config.json')])).toThrow(/two files are called "config.json" at the same depth/);
    // deeper duplicates (an HF repository's onnx/config.json) lose to the top-level file
    const deeper = Object.assign(new File(['not json'], 'config.json'), { webkitRelativePath: 'tiny/onnx/config.json' });
    const top = picked().map((f) => Object.assign(new File([f], f.name.split('/').pop()!), { webkitRelativePath: f.name }));
    expect(JSON.parse(new TextDecoder().decode(await readerFromFiles([deeper, ...top])('config.json'))).n_layer).toBe(2);
    const read = readerFromFiles(picked(), 1000);
    await expect(read('model-00001-of-00002.safetensors')).rejects.toThrow(/model-00001-of-00002.safetensors is \d+ bytes, over the 1000-byte limit/);
    expect(await read('tokenizer.json')).toBeUndefined();
  });
  it('a base URL through fetch: 404 is absent, a 500 and a too-long Content-Length are errors', async () => {
    const asked: string[] = [];
    const fake = (async (url: string) => {
      asked.push(url);
      const name = url.slice('https://models.example/gpt2/'.length);
      try { return new Response(readFileSync(TINY + name)); } catch { return new Response('no', { status: 404 }); }
    }) as typeof fetch;
    const read = readerFromUrl('https://models.example/gpt2', fake);
    expect((await logits(read)).length).toBe(4 * 300);
    expect(asked).toContain('https://models.example/gpt2/config.json');
    const broken = readerFromUrl('https://models.example/gpt2/', (async () => new Response('x', { status: 500 })) as typeof fetch);
    await expect(broken('config.json')).rejects.toThrow(/GET https:\/\/models.example\/gpt2\/config.json: HTTP 500/);
    const huge = readerFromUrl('https://m/', (async () => new Response('x', { headers: { 'content-length': '9999999999' } })) as typeof fetch);
    await expect(huge('model.safetensors')).rejects.toThrow(/is 9999999999 bytes, over the/);
  });
});
