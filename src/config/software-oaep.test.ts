import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

describe('STRONGROOM_HSM_SOFTWARE_OAEP', () => {
  it('defaults to on and accepts on/off', () => {
    expect(loadConfig({}).hsm.softwareOaep).toBe(true);
    expect(loadConfig({ STRONGROOM_HSM_SOFTWARE_OAEP: 'on' }).hsm.softwareOaep).toBe(true);
    expect(loadConfig({ STRONGROOM_HSM_SOFTWARE_OAEP: 'off' }).hsm.softwareOaep).toBe(false);
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => loadConfig({ STRONGROOM_HSM_SOFTWARE_OAEP: 'false' })).toThrow(ConfigError);
    expect(() => loadConfig({ STRONGROOM_HSM_SOFTWARE_OAEP: 'yes' })).toThrow(/STRONGROOM_HSM_SOFTWARE_OAEP must be 'on' or 'off'/);
  });
});
