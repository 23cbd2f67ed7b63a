import { describe, expect, it } from 'vitest';
import { assertGrantTokens, grantIdOfToken, isGrantId, newGrantId, newGrantToken } from './grant-tokens.js';
import { InvalidGrantTokenException } from '../errors.js';

describe('grant tokens', () => {
  it('carry their grant id, and every token of one grant is different', () => {
    const id = newGrantId();
    expect(isGrantId(id)).toBe(true);
    const a = newGrantToken(id);
    const b = newGrantToken(id);
    expect(a).not.toBe(b);
    expect(grantIdOfToken(a)).toBe(id);
    expect(grantIdOfToken(b)).toBe(id);
  });

  it('reject anything that is not a token of ours', () => {
    const good = newGrantToken(newGrantId());
    for (const bad of ['', 'abc', `${good}A`, good.slice(0, -1), good.replace(/^./, 'B'), `${good}==`, 'AQ'.padEnd(87, '+')]) {
      expect(grantIdOfToken(bad)).toBeUndefined();
    }
    expect(() => assertGrantTokens([good, 'nope'])).toThrow(InvalidGrantTokenException);
    expect(() => assertGrantTokens(undefined)).not.toThrow();
    expect(() => newGrantToken('not-hex')).toThrow();
  });
});
