/**
 * Runs openStore in separate Node processes, to test what two Strongroom processes starting
 * at once do to one database. Node 20 cannot run TypeScript, so the store sources are
 * transpiled (types stripped; the store has no runtime imports outside src/store) into a
 * directory inside the repository, where `better-sqlite3` and `pg` resolve from node_modules.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { StoreOptions } from '../../src/store/index.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const CHILD = `
import { openStore } from './store/index.js';
const [opts, startAt] = [JSON.parse(process.argv[2]), Number(process.argv[3])];
// Everyone waits for the same instant so the opens really overlap.
await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
const store = await openStore(opts);
const winner = await store.meta.setIfAbsent('first-opener', String(process.pid));
await store.close();
process.stdout.write(winner);
`;

async function* tsFiles(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) yield p;
  }
}

/** Transpiles src/store into a fresh directory; returns it (remove it with `rm`). */
export async function buildChildStore(): Promise<string> {
  const out = join(REPO, '.tmp', `store-child-${randomUUID()}`);
  const src = join(REPO, 'src', 'store');
  for await (const file of tsFiles(src)) {
    const { outputText } = ts.transpileModule(await readFile(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    });
    const target = join(out, 'store', relative(src, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  await writeFile(join(out, 'child.js'), CHILD);
  return out;
}

export async function removeChildStore(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Starts `n` processes that open the store at the same moment; resolves with each one's output. */
export async function openInChildren(dir: string, opts: StoreOptions, n: number): Promise<string[]> {
  const startAt = Date.now() + 1500;
  return Promise.all(
    Array.from({ length: n }, () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [join(dir, 'child.js'), JSON.stringify(opts), String(startAt)], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0 ? resolve(stdout) : reject(new Error(`child exited with ${String(code)}: ${stderr}`)),
        );
      }),
    ),
  );
}
