/**
 * `strongroom audit …`:
 *   verify [--file EXPORT.jsonl] [--public-key FILE]   check hash chains and signed digests; exit 0 or 1
 *   export --from ISO --to ISO [--out FILE]           JSON Lines for a SIEM, verifiable with verify --file
 *   public-key [--out FILE]                           the digest signing key (PEM; DER with --out)
 * verify reads the database unless --file is given; the public key comes from --public-key or,
 * without it, from the token. With both --file and --public-key it needs neither token nor database.
 */
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createPublicKey } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Config } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { openBackends } from '../service.js';
import { openStore } from '../store/index.js';
import { publicKeyFingerprint, signingKeyObject } from '../audit/digest.js';
import { verifyChains } from '../audit/verify.js';
import { databaseSource, fileSource } from '../audit/verify-sources.js';
import type { VerifyReport } from '../audit/verify-types.js';
import { exportAudit } from './audit-export.js';

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const stdio: CliOutput = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

const USAGE = `usage: strongroom audit verify [--file EXPORT.jsonl] [--public-key FILE]
       strongroom audit export --from ISO-TIME --to ISO-TIME [--out FILE]
       strongroom audit public-key [--out FILE]`;

function storeOptions(config: Config) {
  return config.databaseUrl ? { databaseUrl: config.databaseUrl } : { sqlitePath: config.sqlitePath };
}

/** PEM or DER SubjectPublicKeyInfo → DER. */
async function readPublicKey(path: string): Promise<Buffer> {
  const raw = await readFile(path);
  const text = raw.toString('utf8');
  const key = text.includes('-----BEGIN') ? createPublicKey(text) : createPublicKey({ key: raw, format: 'der', type: 'spki' });
  return key.export({ format: 'der', type: 'spki' });
}

async function tokenPublicKey(config: Config, log: Logger): Promise<Buffer> {
  const b = await openBackends(config, log);
  try {
    return await b.hsm.audit.publicKey();
  } finally {
    await b.close();
  }
}

function printReport(r: VerifyReport, io: CliOutput): void {
  for (const n of r.nodes) {
    const range = n.firstSeq === undefined ? 'no records' : `seq ${n.firstSeq}..${n.lastSeq}`;
    io.out(`node ${n.nodeId}: ${n.records} records (${range}), ${n.digests} digests, signed through seq ${n.signedThrough}\n`);
  }
  for (const note of r.notes) io.out(`note: ${note}\n`);
  if (r.ok) {
    io.out(`audit trail verified (signing key ${r.publicKeyFingerprint})\n`);
    return;
  }
  io.err(`FIRST PROBLEM: ${r.problems[0]!.message}\n`);
  for (const p of r.problems.slice(1)) io.err(`problem: ${p.message}\n`);
  io.err(`audit trail verification FAILED (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'})\n`);
}

export async function auditCommand(config: Config, log: Logger, argv: string[], io: CliOutput = stdio): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      'public-key': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [action] = positionals;
  if (values.help || !action) {
    io.out(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  switch (action) {
    case 'verify': {
      const spki = values['public-key'] ? await readPublicKey(values['public-key']) : await tokenPublicKey(config, log);
      const key = signingKeyObject(spki);
      if (values.file) {
        const source = fileSource(await readFile(values.file, 'utf8'));
        const report = await verifyChains(source, key, publicKeyFingerprint(spki));
        printReport(report, io);
        return report.ok ? 0 : 1;
      }
      const store = await openStore(storeOptions(config));
      try {
        const report = await verifyChains(databaseSource(store.audit), key, publicKeyFingerprint(spki));
        printReport(report, io);
        return report.ok ? 0 : 1;
      } finally {
        await store.close();
      }
    }
    case 'export': {
      const from = Date.parse(values.from ?? '');
      const to = Date.parse(values.to ?? '');
      if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
        io.err('strongroom: audit export needs --from and --to as ISO-8601 times, --from not after --to\n');
        return 2;
      }
      const store = await openStore(storeOptions(config));
      const file = values.out ? createWriteStream(values.out, { flags: 'w', mode: 0o600 }) : undefined;
      try {
        const counts = await exportAudit(store.audit, from, to, { write: (line) => (file ? void file.write(`${line}\n`) : io.out(`${line}\n`)) });
        if (file) await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
        io.err(`exported ${counts.records} records and ${counts.digests} digests\n`);
        return 0;
      } finally {
        await store.close();
      }
    }
    case 'public-key': {
      const spki = await tokenPublicKey(config, log);
      if (values.out) await writeFile(values.out, spki, { mode: 0o644 });
      else io.out(createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ format: 'pem', type: 'spki' }).toString());
      io.err(`audit signing key fingerprint (SHA-256 of the DER SubjectPublicKeyInfo): ${publicKeyFingerprint(spki)}\n`);
      return 0;
    }
    default:
      io.err(`strongroom: unknown audit command '${action}'\n${USAGE}\n`);
      return 2;
  }
}
