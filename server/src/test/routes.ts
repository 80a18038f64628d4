import type { Express } from 'express';

export interface MountedRoute {
  method: string;
  /** The full path pattern, e.g. `/api/admin/tenants/:tenant/staff/:staffId`. */
  path: string;
  /** The place of each layer on the way down, from the app's own stack (the first route wins). */
  mount?: number[];
}

interface StackLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: StackLayer[] };
}

/**
 * Every route the Express app has mounted, read from its router stacks (router 2's `rawPath`), so
 * that a test over "all admin routes" also covers the route added tomorrow. Each method and path
 * once, where it is first mounted; `twice`: also where it is mounted again.
 */
export function mountedRoutes(app: Express, options: { twice?: boolean } = {}): MountedRoute[] {
  const found = new Map<string, MountedRoute>();
  const again: MountedRoute[] = [];
  const walk = (stack: StackLayer[], prefix: string, mount: number[]) => {
    for (const [index, layer] of stack.entries()) {
      const own = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      if (layer.route) {
        const path = `${prefix}${typeof layer.route.path === 'string' ? layer.route.path : ''}`.replace(/(.)\/$/, '$1');
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (!on || method === '_all') continue;
          const route = { method: method.toUpperCase(), path, mount: [...mount, index] };
          const key = `${route.method} ${route.path}`;
          if (!found.has(key)) found.set(key, route);
          else again.push(route);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, `${prefix}${own}`, [...mount, index]);
      } else if (typeof layer.rawPath !== 'string') {
        throw new Error(`a layer with a path that is not a string below ${prefix}: cannot list its routes`);
      }
    }
  };
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack, '', []);
  return options.twice ? [...found.values(), ...again] : [...found.values()];
}
