import type { Request, Response } from 'express';
import type { AppDeps } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import type { LiveEvent } from '../../lib/event-bus.js';
import { findPairedDevice, type PairedDevice } from './devices.repo.js';
import { readDisplayCalls } from './devices.service.js';

/**
 * The call displays' live channel (issue 16): Server-Sent Events, fed by the event bus, so a
 * call made in any process reaches every display. Each stream gets the full list when it opens
 * and again whenever its department changes; the browser's EventSource reconnects by itself
 * after a network drop or a server restart and so reads the full list again. A revoked device's
 * streams close at once (the `deviceRevoked` event), and the heartbeat checks the token against
 * the database too, in case that event was lost. Appointment changes alone are not read for.
 *
 * A display that stops reading (a frozen browser, a network gone quiet without closing) gets no
 * pile of lists: once its socket holds more than it takes (`writableNeedDrain`), lists are not
 * queued but kept as the newest, and that one goes out when the socket drains. Each list is all
 * the display shows, so skipping those in between loses nothing; what one stream holds unsent stays
 * within the socket's buffer and one list. Beats are not queued behind either.
 */

/** Streams one device may hold in one process: a display and a spare tab, not a flood. */
export const STREAMS_PER_DEVICE = 3;
/** A beat this often keeps proxies from closing an idle stream and lets the page notice a dead one; each also re-checks the device. */
const HEARTBEAT_MS = 25_000;
/** How soon the browser reconnects after the stream drops. */
const RETRY_MS = 2_000;

interface Stream {
  device: PairedDevice;
  tokenHash: string;
  res: Response;
  last: string | null;
  closed: boolean;
  /** The socket does not take more: `last` goes out when it drains. */
  behind: boolean;
}

export class DisplayStreams {
  private readonly byDepartment = new Map<string, Set<Stream>>();
  private readonly perDevice = new Map<string, number>();
  private readonly pending = new Set<string>();
  private flushScheduled = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: Pick<AppDeps, 'database' | 'events' | 'now' | 'logger'>) {
    this.unsubscribe = deps.events.subscribe(
      (event) => this.onEvent(event),
      () => {
        for (const departmentId of this.byDepartment.keys()) this.schedule(departmentId);
      },
    );
  }

  /** Opens a stream for a paired display; the first message is the full current list. */
  async open(req: Request, res: Response, device: PairedDevice, tokenHash: string): Promise<void> {
    // Gone while the device was looked up: its 'close' has come and gone, and would never free
    // the place taken below (three such drops refused the display its stream until a restart).
    if (req.destroyed || res.destroyed) return;
    const held = this.perDevice.get(device.id) ?? 0;
    if (held >= STREAMS_PER_DEVICE) throw new AppError('rate_limited', { headers: { 'Retry-After': '30' } });
    this.perDevice.set(device.id, held + 1);
    const stream: Stream = { device, tokenHash, res, last: null, closed: false, behind: false };
    let set = this.byDepartment.get(device.departmentId);
    if (!set) this.byDepartment.set(device.departmentId, (set = new Set()));
    set.add(stream);
    req.on('close', () => this.remove(stream));
    // Open for as long as the display is (the server lets go of connections idle for two minutes).
    req.socket.setTimeout(0);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      // nginx would otherwise hold the messages back in its buffer.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write(`retry: ${String(RETRY_MS)}\n\n`);
    this.startHeartbeat();
    await this.send(stream);
  }

  /** Ends every stream (server shutdown): the displays reconnect to whichever process is up. */
  close(): void {
    this.unsubscribe();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const set of this.byDepartment.values()) for (const stream of set) this.end(stream);
  }

  private onEvent(event: LiveEvent) {
    if ('deviceRevoked' in event) {
      for (const set of this.byDepartment.values()) {
        for (const stream of set) if (stream.device.id === event.deviceRevoked.deviceId) this.revoke(stream);
      }
      return;
    }
    if (!('departmentId' in event) || !this.byDepartment.has(event.departmentId)) return;
    // An appointment booked, cancelled or moved, and nothing else (the event's `appointmentId`,
    // never with a visit, a setting or a move: event-bus.ts): the display shows visits called to a
    // counter, and no column of an appointment, so the list cannot have changed. In the 07:45
    // rush that is a read per booking saved (issue 14, item 4; decision 028, addendum).
    if (event.appointmentId && !event.visitId && !event.context && !event.moved) return;
    this.schedule(event.departmentId);
  }

  private schedule(departmentId: string) {
    this.pending.add(departmentId);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Events arriving together cost one read per department, not one per event and display.
    setImmediate(() => void this.flush());
  }

  private async flush() {
    this.flushScheduled = false;
    const departments = [...this.pending];
    this.pending.clear();
    for (const departmentId of departments) {
      const set = this.byDepartment.get(departmentId);
      const first = set?.values().next().value;
      if (!set || !first) continue;
      try {
        const text = JSON.stringify(await readDisplayCalls(this.ctx(), first.device));
        for (const stream of set) this.write(stream, text);
      } catch (error) {
        // The next event or heartbeat reads again; the display keeps what it shows meanwhile.
        this.deps.logger.warn({ err: error }, 'could not read the calls for a display');
      }
    }
  }

  private async send(stream: Stream) {
    try {
      this.write(stream, JSON.stringify(await readDisplayCalls(this.ctx(), stream.device)));
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not read the calls for a display');
      this.end(stream);
    }
  }

  /** What the streams of this process hold unsent in their sockets' buffers, in bytes. */
  unsentBytes(): number {
    let bytes = 0;
    for (const set of this.byDepartment.values()) for (const stream of set) bytes += stream.res.writableLength;
    return bytes;
  }

  private write(stream: Stream, text: string) {
    if (stream.closed || stream.last === text) return;
    stream.last = text;
    if (stream.behind) return;
    if (stream.res.writableNeedDrain) {
      stream.behind = true;
      stream.res.once('drain', () => {
        stream.behind = false;
        if (!stream.closed) this.sendList(stream);
      });
      return;
    }
    this.sendList(stream);
  }

  /** Writes the stream's newest list. */
  private sendList(stream: Stream) {
    stream.res.write(`event: calls\ndata: ${stream.last ?? ''}\n\n`);
  }

  /** Tells the page before closing, so it shows the pairing form without a reconnect round. */
  private revoke(stream: Stream) {
    if (stream.closed) return;
    stream.res.write('event: revoked\ndata: {}\n\n');
    this.end(stream);
  }

  private end(stream: Stream) {
    if (!stream.closed) stream.res.end();
    this.remove(stream);
  }

  private remove(stream: Stream) {
    if (stream.closed) return;
    stream.closed = true;
    const set = this.byDepartment.get(stream.device.departmentId);
    set?.delete(stream);
    if (set?.size === 0) this.byDepartment.delete(stream.device.departmentId);
    const held = (this.perDevice.get(stream.device.id) ?? 1) - 1;
    if (held > 0) this.perDevice.set(stream.device.id, held);
    else this.perDevice.delete(stream.device.id);
    if (this.byDepartment.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  private startHeartbeat() {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Keeps streams open, closes those of devices revoked meanwhile, and rolls the list over at midnight. */
  private async beat() {
    for (const [departmentId, set] of [...this.byDepartment]) {
      for (const stream of [...set]) {
        try {
          const still = await findPairedDevice(this.deps.database.db, { tokenHash: stream.tokenHash });
          if (!still) this.revoke(stream);
          else if (!stream.closed && !stream.behind && !stream.res.writableNeedDrain) {
            stream.res.write('event: beat\ndata: {}\n\n');
          }
        } catch {
          // The database is away for a moment: keep the stream, check again next beat.
        }
      }
      if (this.byDepartment.has(departmentId)) this.schedule(departmentId);
    }
  }

  private ctx() {
    return { db: this.deps.database.db, now: this.deps.now() };
  }
}

const registry = new WeakMap<AppDeps['events'], DisplayStreams>();

/** The display streams of this process's event bus: one set, whichever router asks. */
export function displayStreamsOf(deps: Pick<AppDeps, 'database' | 'events' | 'now' | 'logger'>): DisplayStreams {
  let streams = registry.get(deps.events);
  if (!streams) registry.set(deps.events, (streams = new DisplayStreams(deps)));
  return streams;
}

/** Ends the display streams at shutdown, so the server need not wait for them (server.ts). */
export function closeDisplayStreams(deps: Pick<AppDeps, 'events'>): void {
  registry.get(deps.events)?.close();
  registry.delete(deps.events);
}
