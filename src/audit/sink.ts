/**
 * STRONGROOM_AUDIT_SINK_FILE: appends each committed batch's export lines to a file (for a SIEM
 * agent to tail) and fdatasyncs it before the batch's requests are answered: a configured sink
 * is part of the durable write, so a sink that cannot be written refuses requests like a store
 * that cannot. A failed handle is closed and the file reopened on the next batch.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface AuditSink {
  append(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export function fileSink(path: string): AuditSink {
  let handle: FileHandle | undefined;
  const drop = async () => {
    const h = handle;
    handle = undefined;
    await h?.close().catch(() => {});
  };
  return {
    async append(lines) {
      if (lines.length === 0) return;
      try {
        handle ??= await open(path, 'a', 0o600);
        await handle.write(`${lines.join('\n')}\n`);
        await handle.datasync();
      } catch (e) {
        await drop();
        throw e;
      }
    },
    close: drop,
  };
}
