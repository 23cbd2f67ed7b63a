/**
 * pino with redaction: no plaintext, ciphertext, data key, secret, PIN or Authorization header may
 * reach a log line, even when someone logs a whole request or config object by mistake.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  '*.authorization',
  '*.Authorization',
  'x-amz-security-token',
  '*["x-amz-security-token"]',
  'pin',
  '*.pin',
  'soPin',
  '*.soPin',
  'secretAccessKey',
  '*.secretAccessKey',
  '*.SecretAccessKey',
  'Plaintext',
  '*.Plaintext',
  'CiphertextBlob',
  '*.CiphertextBlob',
  'body',
  '*.body',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const opts = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'strongroom' } };
  return destination ? pino(opts, destination as pino.DestinationStream) : pino(opts);
}
