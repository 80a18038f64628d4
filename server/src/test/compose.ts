import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// docker-compose.yml as docker compose reads it, for the tests that check what it hands each service
// (no Docker on the test machines).

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ComposeService {
  image?: string;
  environment: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  command?: string[];
  entrypoint?: string[];
  profiles?: string[];
  depends_on?: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** docker-compose.yml, parsed, not yet interpolated. */
export function readCompose(): ComposeFile {
  return parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
}

/**
 * Compose's interpolation of `${VAR}`, `${VAR:-default}`, `${VAR:?message}` and `${VAR:+replacement}`
 * from an .env; `$$` is a dollar sign, left for the container's shell.
 */
export function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{(\w+)(?::([-?+])([^}]*))?\}/g,
    (match, name?: string, kind?: string, rest?: string) => {
      if (match === '$$') return '$';
      const set = env[name!];
      if (kind === '+') return set ? (rest ?? '') : '';
      if (set) return set;
      if (kind === '?') throw new Error(`compose would stop: ${name!}: ${rest ?? ''}`);
      return kind === '-' ? (rest ?? '') : '';
    },
  );
}

/** Every string of a parsed YAML tree, interpolated: compose does so for each service, profile or not. */
export function interpolateAll(tree: unknown, env: Record<string, string>): unknown {
  if (typeof tree === 'string') return interpolate(tree, env);
  if (Array.isArray(tree)) return tree.map((item) => interpolateAll(item, env));
  if (tree && typeof tree === 'object') {
    return Object.fromEntries(Object.entries(tree).map(([key, value]) => [key, interpolateAll(value, env)]));
  }
  return tree;
}

/**
 * The app container's environment as compose makes it from a `.env` that is infra/.env.example with
 * `values` filled in: the file itself (`env_file: .env`), with the app's `environment:`, interpolated
 * from the same file, over it.
 */
export function composeAppEnvironment(values: Record<string, string>): Record<string, string> {
  const example = fs.readFileSync(path.join(ROOT, 'infra/.env.example'), 'utf8');
  const dotenv: Record<string, string> = {};
  for (const [, name, value] of example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)) dotenv[name!] = value!;
  Object.assign(dotenv, values);
  const resolved = interpolateAll(readCompose(), dotenv) as ComposeFile;
  return { ...dotenv, ...resolved.services.app!.environment };
}
