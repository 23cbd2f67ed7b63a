/** What `init --seed` prints: a summary, what changed, and generated secrets (this one time only). */
import type { CliIo } from './io.js';
import type { SeedReport } from '../seed/types.js';

export function printSeedReport(io: CliIo, file: string, r: SeedReport): void {
  io.out(`Seed ${file}: ${r.created.length} created, ${r.updated.length} updated, ${r.unchanged} unchanged.`);
  for (const c of r.created) io.out(`  created ${c}`);
  for (const u of r.updated) io.out(`  updated ${u}`);
  for (const g of r.generated) {
    io.out(`Generated access key ${g.accessKeyId} for ${g.principal} (the secret is shown only now):`);
    io.out(`  aws_access_key_id     = ${g.accessKeyId}`);
    io.out(`  aws_secret_access_key = ${g.secretAccessKey}`);
  }
}
