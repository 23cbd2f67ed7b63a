/**
 * Several Node processes claiming scheduler jobs from one database at the same moment. Node 20
 * cannot run TypeScript, so (as in children.ts) the sources are transpiled into a directory inside
 * the repository; here src/store plus the pure modules it may import at run time (kms/ports,
 * kms/model, lib). Each child claims one job at a time until none is left, holds it briefly (so
 * claims really overlap), completes it, and prints the ids it ran.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { StoreOptions } from '../../src/store/index.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['store', 'kms/ports', 'kms/model', 'lib'];

const CLAIMER = `
import { openStore } from './store/index.js';
const [opts, startAt, owner] = [JSON.parse(process.argv[2]), Number(process.argv[3]), process.argv[4]];
const store = await openStore(opts);
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
const ran = [];
for (;;) {
  const [job] = await store.jobs.claim(owner, Date.now(), 60_000, 1);
  if (!job) break;
  await new Promise((r) => setTimeout(r, 2));
  if (!(await store.jobs.complete(job.jobId, job.token))) throw new Error('lost claim of ' + job.jobId);
  ran.push(job.jobId);
}
await store.close();
process.stdout.write(JSON.stringify(ran));
`;

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) yield p;
  }
}

/** Transpiles the store and its run-time dependencies with the claimer script; remove with removeClaimers. */
export async function buildClaimers(): Promise<string> {
  const out = join(REPO, '.tmp', `job-claimers-${randomUUID()}`);
  const src = join(REPO, 'src');
  for (const part of SOURCES) {
    for await (const file of tsFiles(join(src, part))) {
      const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
        fileName: file,
      });
      const target = join(out, relative(src, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, outputText);
    }
  }
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  await writeFile(join(out, 'claimer.js'), CLAIMER);
  return out;
}

export async function removeClaimers(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Runs `n` claimer processes against one database; resolves with the job ids each one ran. */
export async function claimInChildren(dir: string, opts: StoreOptions, n: number): Promise<string[][]> {
  const startAt = Date.now() + 1500;
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      new Promise<string[]>((resolve, reject) => {
        const child = spawn(process.execPath, [join(dir, 'claimer.js'), JSON.stringify(opts), String(startAt), `child-${i}`], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0 ? resolve(JSON.parse(stdout) as string[]) : reject(new Error(`claimer exited with ${String(code)}: ${stderr}`)),
        );
      }),
    ),
  );
}
