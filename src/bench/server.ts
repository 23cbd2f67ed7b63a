/**
 * Starts the real service as a child process (node dist/main.js) on a fresh data directory, so
 * the load generator and the server are separate processes as in production.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface BenchServer {
  url: string;
  /** The XKS proxy's loopback HTTP listener, when the server was started with one. */
  xksUrl?: string;
  dataDir: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** An existing data directory (prepared by the caller); default a fresh temp directory. */
  dataDir?: string;
  env?: Record<string, string>;
}

export function newBenchDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'strongroom-bench-'));
}

export async function startBenchServer(keyStorage: 'wrapped' | 'token', opts: BenchServerOptions = {}): Promise<BenchServer> {
  const dataDir = opts.dataDir ?? newBenchDataDir();
  const accessKeyId = 'AKIABENCHMARK0000001';
  const secretAccessKey = 'bench-secret-access-key-not-for-production';
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      STRONGROOM_DATA_DIR: dataDir,
      STRONGROOM_PORT: '0',
      STRONGROOM_KEY_STORAGE: keyStorage,
      STRONGROOM_LOG_LEVEL: 'info',
      STRONGROOM_BOOTSTRAP_ACCOUNT_ID: '111122223333',
      STRONGROOM_BOOTSTRAP_ACCESS_KEY_ID: accessKeyId,
      STRONGROOM_BOOTSTRAP_SECRET_ACCESS_KEY: secretAccessKey,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const wantXks = opts.env?.STRONGROOM_XKS_CONFIG !== undefined;
  const { url, xksUrl } = await new Promise<{ url: string; xksUrl?: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000);
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code} before listening`)));
    let kmsUrl: string | undefined;
    let xks: string | undefined;
    lines.on('line', (line) => {
      try {
        const rec = JSON.parse(line) as { msg?: string; url?: string; http?: string };
        if (rec.msg === 'strongroom listening' && rec.url) kmsUrl = rec.url;
        if (rec.msg === 'XKS proxy listening' && rec.http) xks = rec.http;
      } catch {
        return; // not a log line
      }
      if (kmsUrl && (!wantXks || xks)) {
        clearTimeout(timer);
        resolve({ url: kmsUrl, xksUrl: xks });
      }
    });
  });
  return {
    url,
    xksUrl,
    dataDir,
    accessKeyId,
    secretAccessKey,
    async stop() {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
