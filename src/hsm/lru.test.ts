import { describe, expect, it } from 'vitest';
import { Lru } from './lru.js';

describe('Lru', () => {
  it('evicts the least recently used entry past capacity and reports it', () => {
    const evicted: string[] = [];
    const lru = new Lru<string, number>(2, (k) => evicted.push(k));
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.size).toBe(2);
  });
  it('take() and clear() remove without calling onEvict', () => {
    const evicted: string[] = [];
    const lru = new Lru<string, number>(2, (k) => evicted.push(k));
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.take('a')).toBe(1);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(evicted).toEqual([]);
  });
  it('replacing a key does not evict', () => {
    const evicted: string[] = [];
    const lru = new Lru<string, number>(1, (k) => evicted.push(k));
    lru.set('a', 1);
    lru.set('a', 2);
    expect(lru.get('a')).toBe(2);
    expect(evicted).toEqual([]);
  });
  it('rejects a non-positive capacity', () => {
    expect(() => new Lru(0)).toThrow(RangeError);
  });
});
