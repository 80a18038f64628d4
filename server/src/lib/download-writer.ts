import type { ServerResponse } from 'node:http';

/**
 * Writes a long download in chunks, waiting whenever the socket is full. Resolves false once the
 * reader has gone (hung up, cancelled the download): the caller stops reading pages for it. A
 * wait for `drain` alone never ended for a download cut off while the socket was full, and the
 * request, its answer and a page of rows stayed in memory for as long as the process ran.
 */
export function downloadWriter(res: ServerResponse): (chunk: string) => Promise<boolean> {
  return async (chunk) => {
    if (res.destroyed) return false;
    if (!res.write(chunk)) await drainedOrGone(res);
    return !res.destroyed;
  };
}

function drainedOrGone(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
