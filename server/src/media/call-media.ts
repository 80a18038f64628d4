import type { Config } from '../config.js';
import type { CallMedia } from '../deps.js';
import { createLivekitMedia } from './livekit.media.js';
import { createP2pMedia } from './p2p.media.js';

/**
 * Picks the call transport once, at start: the one place besides config.ts that knows which
 * media mode is on. Everything else calls the `CallMedia` it gets in `AppDeps`.
 */
export function createCallMedia(config: Config): CallMedia {
  const { media } = config;
  if (media.mode === 'livekit' && media.livekit) return createLivekitMedia(media.livekit);
  return createP2pMedia(media);
}
