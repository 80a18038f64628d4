import type { LocalizedText, SearchQuery, SearchResponse, SearchResult } from '@amtsraum/shared';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { departments, services, tenants } from '../../db/schema.js';
import { closuresFor, listClosures, type ServiceRow } from './directory.repo.js';
import { doorStatus, todayIn } from './directory.service.js';

/**
 * Finding the right office (issue 15, item 8): the words citizens use ("Perso", "ummelden",
 * "Fundsache") against services' names, descriptions and keywords in every language, and
 * departments' names. Matching is on folded words (case, umlauts and ß), by prefix, and for
 * longer words by stem ("ummelden" finds "Ummeldung") or inside compounds ("ausweis" finds
 * "Personalausweis"). An installation has tens or hundreds of services, so they are matched in
 * memory after one query rather than with a full-text index per language.
 */

/** Lower case, umlauts and ß folded both ways a citizen may type them ("Fuehrung", "Führung"). */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/ae/g, 'a')
    .replace(/oe/g, 'o')
    .replace(/ue/g, 'u')
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
}

export function words(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** How well one typed word matches one word of a text: 0 not at all, 3 best. */
function wordScore(typed: string, word: string): number {
  if (word === typed) return 3;
  if (word.startsWith(typed)) return 2;
  if (typed.length >= 5) {
    // A stem shared with all but the last two letters: "ummelden" ~ "ummeldung".
    const stem = typed.slice(0, Math.max(5, typed.length - 2));
    if (word.startsWith(stem)) return 1.5;
  }
  if (typed.length >= 4 && word.includes(typed)) return 1;
  return 0;
}

/** Every typed word must match some word of the text; the score sums the best matches. */
function textScore(typed: string[], text: string[]): number {
  let total = 0;
  for (const t of typed) {
    let best = 0;
    for (const w of text) best = Math.max(best, wordScore(t, w));
    if (best === 0) return 0;
    total += best;
  }
  return total;
}

const allTexts = (text: LocalizedText | null | undefined) => Object.values(text ?? {}).join(' ');

function serviceScore(typed: string[], service: ServiceRow): number {
  const keywords = Object.values(service.keywords)
    .flat()
    .filter((k): k is string => typeof k === 'string');
  return Math.max(
    textScore(typed, words(allTexts(service.name))) * 3,
    textScore(typed, words(keywords.join(' '))) * 3,
    textScore(typed, words(allTexts(service.description))),
    // Name and keywords together: "Ausweis verloren" across both.
    textScore(typed, words(`${allTexts(service.name)} ${keywords.join(' ')}`)) * 2,
  );
}

export const SEARCH_RESULTS_MAX = 20;

export async function searchOffices(db: Db, options: { query: SearchQuery; now: Date }): Promise<SearchResponse> {
  const typed = words(options.query.q).slice(0, 8);
  if (typed.length === 0) return { results: [] };
  const scope = and(
    isNull(tenants.archivedAt),
    isNull(departments.archivedAt),
    options.query.tenant ? eq(tenants.slug, options.query.tenant) : undefined,
  );
  const rows = await db
    .select({ tenant: tenants, department: departments })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(scope);
  const serviceRows = await db
    .select({ service: services })
    .from(services)
    .innerJoin(departments, eq(departments.id, services.departmentId))
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(and(scope, isNull(services.archivedAt)));

  const found: { score: number; row: (typeof rows)[number]; services: { score: number; row: ServiceRow }[] }[] = [];
  for (const row of rows) {
    const matched = serviceRows
      .map(({ service }) => service)
      .filter((service) => service.departmentId === row.department.id)
      .map((service) => ({ score: serviceScore(typed, service), row: service }))
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score || a.row.sortOrder - b.row.sortOrder);
    const ownScore = textScore(typed, words(allTexts(row.department.name))) * 3;
    const score = Math.max(ownScore, matched[0]?.score ?? 0);
    if (score > 0) found.push({ score, row, services: matched });
  }
  found.sort(
    (a, b) =>
      b.score - a.score ||
      a.row.tenant.name.localeCompare(b.row.tenant.name) ||
      a.row.department.sortOrder - b.row.department.sortOrder,
  );
  const top = found.slice(0, SEARCH_RESULTS_MAX);

  // Doors as the directory shows them: closures per municipality, read once each.
  const closuresByTenant = new Map<string, Awaited<ReturnType<typeof listClosures>>>();
  for (const { row } of top) {
    if (!closuresByTenant.has(row.tenant.id)) {
      closuresByTenant.set(
        row.tenant.id,
        await listClosures(db, row.tenant.id, todayIn(row.tenant.timeZone, options.now)),
      );
    }
  }
  const results = top.map(({ row, services: matched }): SearchResult => {
    const closures = closuresFor(closuresByTenant.get(row.tenant.id) ?? [], row.department.id);
    return {
      tenant: { slug: row.tenant.slug, name: row.tenant.name, timeZone: row.tenant.timeZone },
      department: {
        slug: row.department.slug,
        name: row.department.name,
        door: doorStatus(row.department, closures, row.tenant.timeZone, options.now),
        phone: row.department.contact.phone ?? null,
      },
      services: matched.map(({ row: service }) => ({
        slug: service.slug,
        name: service.name,
        bookable: service.bookable,
        knockable: service.knockable,
        onlineUrl: service.onlineUrl,
      })),
    };
  });
  return { results };
}
