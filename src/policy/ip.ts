/**
 * IPv4/IPv6 addresses and CIDR ranges for the IpAddress / NotIpAddress operators
 * (IAM User Guide, "Condition operators", IP address: values in RFC 4632 CIDR format; a bare
 * address means a single host). Families never cross-match: an IPv4 request address is only in
 * IPv4 ranges. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, which is how Node reports IPv4
 * clients on a dual-stack socket) is treated as the IPv4 address it carries.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddr {
  readonly v: 4 | 6;
  readonly n: bigint;
}

export interface Cidr {
  readonly v: 4 | 6;
  readonly base: bigint;
  readonly bits: number;
}

function v4ToBigint(s: string): bigint {
  return s.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
}

function v6ToBigint(s: string): bigint {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // Embedded IPv4 tail (`::ffff:192.0.2.1`): rewrite it as two hex groups.
    const v4 = v4ToBigint(text.slice(lastColon + 1));
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const r = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? h : [...h, ...Array<string>(8 - h.length - r.length).fill('0'), ...r];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(parseInt(g, 16));
  return n;
}

const MAPPED_PREFIX = 0xffffn << 32n;

export function parseIp(s: string): IpAddr | undefined {
  if (isIPv4(s)) return { v: 4, n: v4ToBigint(s) };
  if (!isIPv6(s) || s.includes('%')) return undefined;
  const n = v6ToBigint(s);
  if (n >> 32n === 0xffffn) return { v: 4, n: n - MAPPED_PREFIX };
  return { v: 6, n };
}

export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  // A mapped IPv6 literal in a *policy* stays IPv6; only request addresses are unmapped.
  const v: 4 | 6 | undefined = isIPv4(addr) ? 4 : isIPv6(addr) && !addr.includes('%') ? 6 : undefined;
  if (v === undefined) return undefined;
  const width = v === 4 ? 32 : 128;
  let bits = width;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > width) return undefined;
    bits = Number(p);
  }
  const n = v === 4 ? v4ToBigint(addr) : v6ToBigint(addr);
  const shift = BigInt(width - bits);
  return { v, base: (n >> shift) << shift, bits };
}

export function ipInCidr(ip: IpAddr, c: Cidr): boolean {
  if (ip.v !== c.v) return false;
  const shift = BigInt((c.v === 4 ? 32 : 128) - c.bits);
  return (ip.n >> shift) << shift === c.base;
}
