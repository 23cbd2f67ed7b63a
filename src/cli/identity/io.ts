/** Where identity commands write: stdout for answers (JSON, one object per line), stderr for errors. */
import type { Config } from '../../config/types.js';
import type { Backends } from '../../service.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`strongroom: ${line}\n`),
};

/** Options the identity commands understand (parsed once by the router). */
export interface IdentityOptions {
  account?: string;
  user?: string;
  role?: string;
  name?: string;
  file?: string;
  session?: string;
  'duration-seconds'?: string;
  seed?: string;
}

export interface CommandContext {
  config: Config;
  backends: Backends;
  accountId: string;
  io: CliIo;
  now(): number;
}

export function json(value: unknown): string {
  return JSON.stringify(value);
}
