import { afterEach, describe, expect, it } from 'vitest';
import { getFlag, registerFlag, resetFlags, setFlag } from './flags.js';

afterEach(() => resetFlags());

describe('capability flags', () => {
  it('evaluates lazily, once, and can be overridden', async () => {
    let calls = 0;
    registerFlag('threads', () => {
      calls++;
      return true;
    });
    expect(calls).toBe(0);
    expect(await getFlag('threads')).toBe(true);
    expect(await getFlag('threads')).toBe(true);
    expect(calls).toBe(1);
    setFlag('threads', false);
    expect(await getFlag('threads')).toBe(false);
    registerFlag('threads', () => false);
  });

  it('reads an evaluator that throws as false', async () => {
    registerFlag('cuda', () => {
      throw new Error('no driver');
    });
    expect(await getFlag('cuda')).toBe(false);
  });

  it('detects SIMD in this Node', async () => {
    expect(await getFlag('simd')).toBe(true);
  });
});
