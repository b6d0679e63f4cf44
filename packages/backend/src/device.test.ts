import { describe, expect, expectTypeOf, it } from 'vitest';
import type { OrtExecutionProviderName, TfjsBackendName } from './backend.js';
import { candidatesFor, DEVICE_TABLE, type DeviceName, parseDeviceName } from './device.js';
import { UnsupportedDeviceError } from './errors/unsupported-device-error.js';

describe('device names', () => {
  it('accepts the names users type, case-insensitively', () => {
    expect(parseDeviceName('AUTO')).toBe('auto');
    expect(parseDeviceName(' wasm ')).toBe('wasm');
  });

  it('rejects an unknown name with the list of valid ones', () => {
    try {
      parseDeviceName('tpu');
      expect.unreachable();
    } catch (error) {
      expect(UnsupportedDeviceError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        'Unsupported device: "tpu". Should be one of: auto, cpu, wasm, gpu, cuda.',
      );
    }
  });

  it('auto tries every candidate fastest first, gpu only GPU ones', () => {
    expect(DEVICE_TABLE.auto.tfjs).toEqual(['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']);
    expect(DEVICE_TABLE.auto.ort).toEqual(['cuda', 'cpu']);
    expect(DEVICE_TABLE.gpu).toEqual({ tfjs: ['tfjs-node-gpu'], ort: ['cuda'] });
  });
});

describe('device precedence', () => {
  it('defaults to auto', () => {
    expect(candidatesFor('tfjs', undefined, {})).toEqual({
      device: 'auto',
      candidates: DEVICE_TABLE.auto.tfjs,
    });
  });

  it('VIDEOLOOM_DEVICE applies when the caller passes no device', () => {
    expect(candidatesFor('ort', undefined, { VIDEOLOOM_DEVICE: 'cpu' }).device).toBe('cpu');
  });

  it('an explicit device wins over VIDEOLOOM_DEVICE', () => {
    expect(candidatesFor('tfjs', 'wasm', { VIDEOLOOM_DEVICE: 'gpu' }).candidates).toEqual(['wasm']);
  });

  it('the runtime override wins over everything and names one candidate', () => {
    const env = { VIDEOLOOM_DEVICE: 'gpu', VIDEOLOOM_TFJS_BACKEND: 'cpu', VIDEOLOOM_ORT_EP: 'cuda' };
    expect(candidatesFor('tfjs', 'wasm', env)).toEqual({
      device: 'VIDEOLOOM_TFJS_BACKEND=cpu',
      candidates: ['cpu'],
    });
    expect(candidatesFor('ort', 'cpu', env)).toEqual({
      device: 'VIDEOLOOM_ORT_EP=cuda',
      candidates: ['cuda'],
    });
  });

  it('a bad env value names the variable', () => {
    expect(() => candidatesFor('ort', undefined, { VIDEOLOOM_ORT_EP: 'rocm' })).toThrow(
      'Unsupported VIDEOLOOM_ORT_EP: "rocm". Should be one of: cuda, cpu.',
    );
    expect(() => candidatesFor('tfjs', undefined, { VIDEOLOOM_DEVICE: 'x' })).toThrow(
      /Unsupported VIDEOLOOM_DEVICE/,
    );
  });
});

describe('device types', () => {
  it('keep runtime candidate names apart (checked by the typecheck target)', () => {
    expectTypeOf(parseDeviceName('cpu')).toEqualTypeOf<DeviceName>();
    expectTypeOf(candidatesFor('tfjs').candidates).toEqualTypeOf<readonly TfjsBackendName[]>();
    expectTypeOf(candidatesFor('ort').candidates).toEqualTypeOf<readonly OrtExecutionProviderName[]>();
    expectTypeOf<'tpu'>().not.toMatchTypeOf<DeviceName>();
  });
});
