/**
 * The last door and console messages the hub sent per department, valid until that department's
 * next event. A watch repeated while nothing changed (a reconnecting page, a second component, a
 * flood) is answered from here without touching the database (issue 11, item 2).
 *
 * Versions make it safe against reads in flight: an answer is kept only if no event for its
 * department arrived while it was read.
 */
export type AnswerKind = 'door' | 'console';

export class DepartmentAnswers {
  /** One counter for all departments: every change takes the next number. */
  private counter = 0;
  /** Changes before this number are history for every department (set by `changedAll`). */
  private floor = 0;
  private readonly versions = new Map<string, number>();
  private readonly kept = new Map<string, { version: number; text: string }>();

  /** The department's version now; take it before reading, to keep the answer afterwards. */
  version(departmentId: string): number {
    return Math.max(this.floor, this.versions.get(departmentId) ?? 0);
  }

  /** Something changed in the department: answers kept for it are stale. */
  changed(departmentId: string): void {
    this.versions.set(departmentId, ++this.counter);
    this.kept.delete(`door:${departmentId}`);
    this.kept.delete(`console:${departmentId}`);
  }

  /** Events may have been missed (the listener reconnected): nothing kept can be trusted. */
  changedAll(): void {
    this.floor = ++this.counter;
    this.versions.clear();
    this.kept.clear();
  }

  keep(kind: AnswerKind, departmentId: string, version: number, text: string): void {
    if (version === this.version(departmentId)) this.kept.set(`${kind}:${departmentId}`, { version, text });
  }

  recall(kind: AnswerKind, departmentId: string): string | null {
    const answer = this.kept.get(`${kind}:${departmentId}`);
    return answer && answer.version === this.version(departmentId) ? answer.text : null;
  }

  /** Whether an answer read at `version` still holds (for answers kept per connection). */
  current(departmentId: string, version: number): boolean {
    return version === this.version(departmentId);
  }
}
