/** `strongroom serve` / `npm start`: run until SIGINT/SIGTERM, then close cleanly. */
import type { Config } from '../config/types.js';
import type { Logger } from '../log/logger.js';
import { startService } from '../service.js';

export async function serve(config: Config, log: Logger): Promise<void> {
  const svc = await startService(config, log);
  const created = svc.bootstrap.created;
  if (created) {
    // Shown once, on the terminal only (never through the logger).
    process.stdout.write(
      [
        '',
        `Strongroom initialised account ${svc.bootstrap.accountId} with a new access key.`,
        `  aws_access_key_id     = ${created.accessKeyId}`,
        `  aws_secret_access_key = ${created.secretAccessKey}`,
        `Saved to ${created.credentialsFile} (profile "strongroom"). Try:`,
        `  AWS_SHARED_CREDENTIALS_FILE=${created.credentialsFile} aws --profile strongroom --region us-east-1 \\`,
        `    kms create-key --endpoint-url ${svc.url}`,
        '',
      ].join('\n'),
    );
  }
  log.info({ url: svc.url, keyStorage: config.hsm.keyStorage, store: svc.deps.store.kind, dataDir: config.dataDir }, 'strongroom listening');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    // SIGHUP re-reads the XKS config file (credential rotation without a restart).
    if (svc.xks) process.on('SIGHUP', () => void svc.xks?.reload());
  });
  await svc.close();
}
