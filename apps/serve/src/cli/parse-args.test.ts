import { describe, expect, it } from 'vitest';
import { InvalidServeOptionError } from '../errors/index.js';
import { parseServeArgs } from './parse-args.js';

describe('parseServeArgs', () => {
  it('fills in the defaults', () => {
    expect(parseServeArgs([], {})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      checkpoint: undefined,
      device: 'auto',
      maxUploadBytes: 200 * 1024 * 1024,
      maxDurationSeconds: 600,
      queueSize: 8,
      concurrency: 1,
      uploadTtlSeconds: 3600,
      quiet: false,
      help: false,
    });
  });

  it('reads every flag', () => {
    const cli = parseServeArgs(
      [
        '--port=0',
        '--host',
        '0.0.0.0',
        '--checkpoint',
        import.meta.dirname,
        '--device',
        'CPU',
        '--max-upload-mb',
        '1.5',
        '--max-duration-s',
        '90',
        '--queue-size',
        '0',
        '--concurrency',
        '2',
        '--upload-ttl-s',
        '30',
        '--quiet',
      ],
      {},
    );
    expect(cli).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      checkpoint: import.meta.dirname,
      device: 'cpu',
      maxUploadBytes: 1.5 * 1024 * 1024,
      maxDurationSeconds: 90,
      queueSize: 0,
      concurrency: 2,
      uploadTtlSeconds: 30,
      quiet: true,
    });
  });

  it('takes the device from VIDEOLOOM_DEVICE when --device is absent', () => {
    expect(parseServeArgs([], { VIDEOLOOM_DEVICE: 'wasm' }).device).toBe('wasm');
    expect(parseServeArgs(['--device', 'cpu'], { VIDEOLOOM_DEVICE: 'wasm' }).device).toBe('cpu');
  });

  it.each([
    [['--port', '70000'], '--port: expected an integer port in 0..65535, received "70000".'],
    [['--port', ''], '--port: expected an integer port in 0..65535, received "".'],
    [['--concurrency', '0'], '--concurrency: expected a positive integer, received "0".'],
    [['--concurrency', '1.5'], '--concurrency: expected a positive integer, received "1.5".'],
    [['--queue-size=-1'], '--queue-size: expected a non-negative integer, received "-1".'],
    [['--max-upload-mb', 'lots'], '--max-upload-mb: expected a positive number of MiB, received "lots".'],
    [['--max-duration-s', '0'], '--max-duration-s: expected a positive number of seconds, received "0".'],
    [['--device', 'tpu'], '--device: expected one of auto, cpu, wasm, gpu, cuda, received "tpu".'],
    [
      ['--checkpoint', '/no/such/checkpoint'],
      '--checkpoint: expected an existing checkpoint folder or file, received "/no/such/checkpoint".',
    ],
  ])('refuses %j naming the flag', (argv, message) => {
    let thrown: unknown;
    try {
      parseServeArgs(argv, {});
    } catch (error) {
      thrown = error;
    }
    expect(InvalidServeOptionError.isInstance(thrown)).toBe(true);
    expect((thrown as Error).message).toBe(message);
  });

  it('refuses an unknown flag', () => {
    expect(() => parseServeArgs(['--prot', '80'], {})).toThrow(/--prot/);
  });
});
