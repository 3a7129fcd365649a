// Stop strings matched across token boundaries, and UTF-8 characters split across tokens:
// the emitted text never holds a stop string or half a character.

import { describe, expect, it } from 'vitest';
import { decodeBatch, type TokenEvent } from '../../ts/generate/loop.js';
import { resolveOptions, type GenerateOptions } from '../../ts/generate/options.js';
import { splitAtStop, TextAssembler } from '../../ts/generate/stopping.js';
import { ScriptedStepper, byteTokenizer, bytesOf } from './helpers.js';

const tok = byteTokenizer();

function run(script: number[][], opts: GenerateOptions) {
  const o = resolveOptions({ temperature: 0, ...opts }, tok.vocabSize, 64, 256);
  const stepper = new ScriptedStepper(script, tok.vocabSize);
  const it = decodeBatch(stepper, tok, script.map(() => [65]), script.map((_, i) => i), o);
  const events: TokenEvent[] = [];
  let r = it.next();
  while (!r.done) { events.push(r.value); r = it.next(); }
  return { events, results: r.value, stepper };
}

describe('splitAtStop', () => {
  it('holds back exactly the suffix that may start a stop string', () => {
    expect(splitAtStop('Hi\nUs', ['User:'])).toEqual({ emit: 'Hi\n', hold: 'Us' });
    expect(splitAtStop('Hi\nUser: x', ['User:'])).toEqual({ emit: 'Hi\n', hold: '', stop: 'User:' });
    expect(splitAtStop('abc', ['x', 'bcd'])).toEqual({ emit: 'a', hold: 'bc' });
    expect(splitAtStop('ab', ['zz'])).toEqual({ emit: 'ab', hold: '' });
    expect(splitAtStop('a END b STOP', ['STOP', 'END'])).toEqual({ emit: 'a ', hold: '', stop: 'END' }); // the earliest
  });
});

describe('stop strings across token boundaries', () => {
  it('stops on a stop string spread over several tokens and does not return it', () => {
    const { events, results } = run([bytesOf('Hello\nUser: more')], { stop: ['\nUser:'], maxTokens: 50 });
    expect(results[0].text).toBe('Hello');
    expect(results[0].finishReason).toBe('stop');
    expect(results[0].stop).toBe('\nUser:');
    expect(results[0].tokens).toEqual(bytesOf('Hello\nUser:')); // generation ended on the ':' token
    expect(events.map((e) => e.text).join('')).toBe('Hello');
    // while "\nUs…" was pending nothing was emitted
    expect(events.slice(5).every((e) => e.text === '')).toBe(true);
  });

  it('releases held-back text that turns out not to be a stop string', () => {
    const { events, results } = run([bytesOf('a\nUsb')], { stop: ['\nUser:'], maxTokens: 5 });
    expect(results[0].text).toBe('a\nUsb');
    expect(results[0].finishReason).toBe('length');
    expect(events.map((e) => e.text)).toEqual(['a', '', '', '', '\nUsb']);
  });

  it('the end token ends a sequence and is not in the text', () => {
    const { results } = run([[...bytesOf('ok'), 256, 65]], { maxTokens: 10 });
    expect(results[0]).toMatchObject({ text: 'ok', tokens: [...bytesOf('ok'), 256], finishReason: 'end' });
  });

  it('maxTokens counts generated tokens', () => {
    const { results } = run([bytesOf('abcdefgh')], { maxTokens: 3 });
    expect(results[0]).toMatchObject({ text: 'abc', finishReason: 'length' });
    expect(run([bytesOf('ab')], { maxTokens: 0 }).results[0]).toMatchObject({ text: '', tokens: [], finishReason: 'length' });
  });
});

describe('UTF-8 characters split across tokens', () => {
  it('emits only complete characters', () => {
    const text = 'é🙂中x';
    const { events, results } = run([bytesOf(text)], { maxTokens: bytesOf(text).length });
    expect(events.map((e) => e.text)).toEqual(['', 'é', '', '', '', '🙂', '', '', '中', 'x']);
    expect(results[0].text).toBe(text);
  });

  it('a stop string made of multi-byte characters is found byte by byte', () => {
    const { results } = run([bytesOf('ab🙂🙂cd')], { stop: '🙂🙂', maxTokens: 30 });
    expect(results[0]).toMatchObject({ text: 'ab', finishReason: 'stop' });
  });

  it('an incomplete character at the end becomes U+FFFD, as decode() does', () => {
    const asm = new TextAssembler(tok, []);
    expect(asm.push(0xf0) + asm.push(0x9f)).toBe('');
    expect(asm.finish()).toBe('\uFFFD');
    expect(asm.text).toBe(tok.decode([0xf0, 0x9f]));
  });
});

describe('per-sequence stop in a batch', () => {
  it('finished sequences leave the batch, the others go on', () => {
    const { results, events, stepper } = run([[...bytesOf('a'), 256], bytesOf('bbbbbb'), [...bytesOf('cc'), 256]], { maxTokens: 4 });
    expect(results.map((r) => [r.text, r.finishReason])).toEqual([['a', 'end'], ['bbbb', 'length'], ['cc', 'end']]);
    expect(events.filter((e) => e.step === 3).map((e) => e.seq)).toEqual([1]);
    expect(stepper.freed).toBe(true);
  });
});
