import fs from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|css)$/;

/**
 * Writes `x.br` and `x.gz` beside every script and stylesheet the build emits, compressed once
 * at the highest levels; the server sends them to browsers that accept them
 * (server/src/lib/precompressed.ts). Files under 1 kB are left as they are.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'amtsraum-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      await Promise.all(
        Object.keys(bundle)
          .filter((file) => COMPRESSIBLE.test(file))
          .map(async (file) => {
            const full = path.join(outDir, file);
            const content = await fs.readFile(full);
            if (content.length < 1024) return;
            await Promise.all([
              fs.writeFile(`${full}.gz`, gzipSync(content, { level: 9 })),
              fs.writeFile(
                `${full}.br`,
                brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
              ),
            ]);
          }),
      );
    },
  };
}
