import type { ServerResponse } from 'node:http';
import type { DiskWatch } from './disk-watch.js';
import type { Logger } from './logger.js';

/**
 * Work a request does after its answer has gone out: where how long the work takes must not show
 * in the answer (a password reset for an account that exists writes a link and a mail, one for an
 * unknown address writes nothing; answered after the writes, the time told them apart). A failure
 * is logged (the error serializer leaves a statement's parameters out) and crashes nothing; the
 * server waits for work under way before it closes the database.
 */
export class AfterAnswer {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly logger: Logger,
    private readonly disk: DiskWatch,
  ) {}

  /**
   * Runs `work` once `res` is done: sent, or its connection gone (the work was asked for all the
   * same). `what` names it in the log: a fixed text, never personal data.
   */
  run(res: ServerResponse, what: string, work: () => Promise<void>): void {
    const done = new Promise<void>((resolve) => {
      res.once('close', () => {
        Promise.resolve()
          .then(work)
          .catch((error: unknown) => {
            this.disk.note(error);
            this.logger.error({ err: error, work: what }, 'work after the answer failed');
          })
          .finally(resolve);
      });
    });
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
  }

  /** Resolves once every piece of work asked for so far (and any it asked for) is done. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
