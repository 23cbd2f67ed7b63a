/**
 * `remove-import-parameters:<wrappingKeyId>`: GetParametersForImport's wrapping key pair is
 * destroyed in the token once its 24 hours are over (and for keys deleted meanwhile), then its
 * row. Destroying an already destroyed pair is not an error, so a re-run just finishes.
 */
import type { JobContext, JobOutcome } from './types.js';

export async function runImportParametersRemoval(ctx: JobContext): Promise<JobOutcome> {
  const { deps, job } = ctx;
  const { wrappingKeyId } = JSON.parse(job.payload ?? '{}') as { wrappingKeyId?: string };
  if (wrappingKeyId === undefined) return 'noop';
  const params = await deps.store.imports.getParameters(wrappingKeyId);
  if (!params || params.validTo > deps.clock.now()) return 'noop';
  await deps.hsm.imports.destroyWrappingKey(wrappingKeyId);
  await deps.store.imports.deleteParameters(wrappingKeyId);
  return 'done';
}
