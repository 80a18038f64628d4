import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Namespace } from '../locales/namespaces';
import { loadNamespaces } from './i18n';

/** A lazily loaded component that can be asked to start loading before it renders. */
export type Preloadable<P> = LazyExoticComponent<ComponentType<P>> & { preload: () => Promise<unknown> };

/**
 * A component in a chunk of its own, loaded with its translations in parallel, so its first
 * render waits for one round trip, not two (issue 14: each feature in its own chunk, loaded when
 * needed). `preload` starts both early, e.g. the call while a citizen waits to be let in.
 */
export function lazyComponent<P>(
  load: () => Promise<ComponentType<P>>,
  namespaces: readonly Namespace[],
): Preloadable<P> {
  let loading: Promise<{ default: ComponentType<P> }> | null = null;
  const start = () => {
    loading ??= Promise.all([load(), loadNamespaces(namespaces)]).then(
      ([component]) => ({ default: component }),
      (error: unknown) => {
        loading = null; // a failed download (offline for a moment) is tried again next time
        throw error;
      },
    );
    return loading;
  };
  return Object.assign(lazy(start), { preload: start });
}
