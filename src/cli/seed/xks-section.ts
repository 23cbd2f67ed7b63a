/** The seed file's `xksKeys:` section: external keys of the XKS proxy (src/kms/xks/seed.ts). */
import { applyXksKeysSeed } from '../../kms/xks/seed.js';
import { XksKeyAdminError } from '../../kms/xks/keys.js';
import { fail, type SeedSection } from './types.js';

export const xksKeysSection: SeedSection = {
  name: 'xksKeys',
  async apply(ctx, value, path) {
    try {
      const result = await applyXksKeysSeed(ctx.store, ctx.hsm, value, ctx.now);
      ctx.report.created.push(...result.created.map((n) => `xks key ${n}`));
      ctx.report.updated.push(...result.updated.map((n) => `xks key ${n}`));
      ctx.report.unchanged += result.unchanged.length;
    } catch (e) {
      if (e instanceof XksKeyAdminError) fail(path, e.message);
      throw e;
    }
  },
};
