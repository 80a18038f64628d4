import { answerClientErrors } from './lib/client-errors.js';
import { createRequire } from 'node:module';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { allowedOriginsFor, createApp, findWebDist } from './app.js';
import { cliLanguage, type Config } from './config.js';
import {
  DatabaseMigrationError,
  DatabaseNewerThanCodeError,
  DatabaseUnavailableError,
  openDatabase,
  type Database,
} from './db/client.js';
import { closeDisplayStreams } from './features/devices/display-streams.js';
import { formatDemoLogins, seedDemoIfEmpty } from './features/setup/demo-seed.js';
import { resealUnderSecret } from './features/setup/reseal.js';
import { BOOKING_LANES, type AppDeps } from './deps.js';
import { serverJobs, type JobIntervals } from './jobs/jobs.js';
import { Scheduler } from './jobs/scheduler.js';
import { addAcceptors, type Acceptors } from './lib/acceptors.js';
import { AfterAnswer } from './lib/after-answer.js';
import { capConnectionsPerAddress } from './lib/connection-cap.js';
import { capUnansweredRequests } from './lib/pipelining.js';
import { ensureWritableDir } from './lib/data-dir-lock.js';
import { DiskWatch } from './lib/disk-watch.js';
import { Foreground } from './lib/foreground.js';
import { createEventBus, type EventBus } from './lib/event-bus.js';
import { InstallationWarnings } from './lib/installation-warnings.js';
import type { Logger } from './lib/logger.js';
import { createRateLimits } from './lib/rate-limit.js';
import { Followers } from './lib/followers.js';
import { BOOKING_LINE, WorkGate } from './lib/work-gate.js';
import { LiveHub } from './live/live.hub.js';
import { MailWorker, type MailWorkerOptions } from './mail/mail.worker.js';
import { createCallMedia } from './media/call-media.js';

/**
 * Seven more listeners: eight new connections per turn of a busy event loop instead of one. In
 * the rush benchmark a turn took up to 40 ms, and new connections came at up to 150 a second.
 */
const EXTRA_ACCEPTORS = 7;

/** How long a live connection has to answer the closing frame when the server stops. */
const LIVE_CLOSE_MS = 2_000;

const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** The port or address cannot be listened on: named at the start with what to do, without a stack. */
export class CannotListenError extends Error {
  /** The same in German, for a terminal that is not English (cli/say.ts). */
  readonly german: string;
  constructor(host: string, port: number, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | null)?.code;
    const where = `${host}:${String(port)}`;
    super(
      code === 'EADDRINUSE'
        ? `PORT: ${where} is already in use by another program (perhaps another Amtsraum server). ` +
            'Stop that program, or set PORT to a free port.'
        : code === 'EACCES' || code === 'EPERM'
          ? `PORT: this user may not listen on ${where}; ports below 1024 need privileges. ` +
            'Set PORT to 1024 or above (e.g. 3000) and let the reverse proxy take 80 and 443.'
          : code === 'EADDRNOTAVAIL'
            ? `HOST: ${host} is not an address of this machine. ` +
              'Set HOST to one of its addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (all).'
            : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
              ? `HOST: the name ${host} cannot be resolved to an address of this machine. ` +
                'Set HOST to an IP address, 127.0.0.1 (this machine only) or 0.0.0.0 (all).'
              : `HOST, PORT: cannot listen on ${where} (${cause instanceof Error ? cause.message : String(cause)}).`,
    );
    this.german =
      code === 'EADDRINUSE'
        ? `PORT: ${where} wird schon von einem anderen Programm benutzt (vielleicht einem anderen Amtsraum-Server). ` +
          'Beenden Sie dieses Programm oder setzen Sie PORT auf einen freien Port.'
        : code === 'EACCES' || code === 'EPERM'
          ? `PORT: dieser Benutzer darf nicht auf ${where} lauschen; Ports unter 1024 brauchen Rechte. ` +
            'Setzen Sie PORT auf 1024 oder höher (z. B. 3000) und lassen Sie den Reverse-Proxy 80 und 443 übernehmen.'
          : code === 'EADDRNOTAVAIL'
            ? `HOST: ${host} ist keine Adresse dieses Rechners. ` +
              'Setzen Sie HOST auf eine seiner Adressen, 127.0.0.1 (nur dieser Rechner) oder 0.0.0.0 (alle).'
            : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
              ? `HOST: der Name ${host} lässt sich nicht zu einer Adresse dieses Rechners auflösen. ` +
                'Setzen Sie HOST auf eine IP-Adresse, 127.0.0.1 (nur dieser Rechner) oder 0.0.0.0 (alle).'
              : `HOST, PORT: auf ${where} kann nicht gelauscht werden (${cause instanceof Error ? cause.message : String(cause)}).`;
    this.name = 'CannotListenError';
  }
}

/**
 * A stop (SIGTERM, Ctrl-C) came while the server started, and the start ended after the step under
 * way: nothing was cut off mid-write, the database is closed (its data directory lock given back),
 * and nothing listens.
 */
export class StartStoppedError extends Error {
  constructor() {
    super('stopped while starting');
    this.name = 'StartStoppedError';
  }
}

/** Listens on `host:port` and closes again at once; throws `CannotListenError` if it cannot. */
async function listenOnce(host: string, port: number): Promise<void> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw new CannotListenError(host, port, error);
  }
  await new Promise((resolve) => probe.close(resolve));
}

export interface RunningServer {
  url: string;
  deps: AppDeps;
  hub: LiveHub;
  /** Sends the e-mail outbox; null when started with `mail: false`. */
  mailWorker: MailWorker | null;
  /** The extra listeners on the listening socket (lib/acceptors.ts). */
  acceptors: Acceptors;
  /** Stops accepting, lets requests in flight finish (up to `graceMs`), closes the database. */
  stop(graceMs?: number): Promise<void>;
}

async function openConfiguredDatabase(config: Config, signal: AbortSignal | undefined): Promise<Database> {
  const settings = config.database;
  // The embedded database opens and migrates in one go, in a few seconds: a stop waits for it.
  const database =
    settings.kind === 'pglite'
      ? await openDatabase({ kind: 'pglite', dataDir: settings.dataDir })
      : await openDatabase({ ...settings, signal }).catch((error: unknown) => {
          if (signal?.aborted) throw new StartStoppedError();
          if (error instanceof DatabaseNewerThanCodeError || error instanceof DatabaseMigrationError) throw error;
          throw new DatabaseUnavailableError(settings.url, error);
        });
  await stopIfAsked(signal, database);
  return database;
}

/** Ends the start here when a stop was asked for: closes what is open (the database) and says so. */
async function stopIfAsked(signal: AbortSignal | undefined, database?: Database): Promise<void> {
  if (!signal?.aborted) return;
  await database?.close();
  throw new StartStoppedError();
}

/** Opens the database, seeds demo data if asked, and listens. Used by main.ts and by tests. */
export async function startServer(
  config: Config,
  logger: Logger,
  options: {
    database?: Database;
    now?: () => Date;
    webDistDir?: string | null;
    /** How often the scheduled jobs run (tests shorten them). */
    jobs?: JobIntervals;
    /** How long a request may take to arrive whole, headers and body (tests shorten it). */
    requestTimeoutMs?: number;
    /** How long a connection may go without reading or writing anything (tests shorten it). */
    idleTimeoutMs?: number;
    /** E-mail worker settings, or false to leave the outbox unsent (it stays queued). */
    mail?: Pick<MailWorkerOptions, 'transport'> | false;
    /** How long the live hub's rounds wait for changing requests before each chunk, at most (tests lengthen it). */
    foregroundWaitMs?: number;
    /** Extra listeners on the listening socket (lib/acceptors.ts); 0 for none. */
    extraAcceptors?: number;
    /**
     * A stop asked for during the start (main.ts): the start ends after the step under way, never
     * in the middle of the migrations or the demo seed, with `StartStoppedError`.
     */
    signal?: AbortSignal;
  } = {},
): Promise<RunningServer> {
  // A port taken or a HOST that is no address here is said at once, not after the database's
  // migrations and the demo seed (the real listen below reports the same should it change since).
  await listenOnce(config.host, config.port);
  // The mail outbox folder, when mail goes there: a folder nobody may write to is said at the
  // start, not at the first booking's confirmation (with PGlite the data directory lock says it).
  if (options.mail === undefined && !config.mail.smtpUrl) ensureWritableDir(config.mail.outboxDir);
  await stopIfAsked(options.signal);
  const database = options.database ?? (await openConfiguredDatabase(config, options.signal));
  const now = options.now ?? (() => new Date());

  try {
    const resealed = await resealUnderSecret(database.db, config.sessionSecret, config.formerSessionSecret);
    if (resealed.authenticators + resealed.identityProviders > 0) {
      logger.warn(
        resealed,
        'secrets sealed under SESSION_SECRET with the spaces or line breaks around it were sealed again without them',
      );
    }
    await stopIfAsked(options.signal);
    if (config.seed.enabled) {
      const logins = await seedDemoIfEmpty(database.db, { now: now(), password: config.seed.password });
      // Printed once, to the console rather than the log, so passwords never enter log storage.
      if (logins) {
        const fixed = config.seed.password !== null;
        process.stdout.write(formatDemoLogins(logins, config.publicBaseUrl, { fixed, language: cliLanguage() }) + '\n');
      }
    }
    await stopIfAsked(options.signal);
  } catch (error) {
    await database.close();
    throw error;
  }

  let events: EventBus;
  try {
    events = createEventBus(database, logger);
    await events.start();
  } catch (error) {
    await database.close();
    throw error;
  }

  const disk = new DiskWatch(logger);
  // The hub is built on `deps`; what it knows of citizens' connections is asked through it later.
  let hubOf: LiveHub | null = null;
  const deps: AppDeps = {
    config,
    database,
    events,
    media: createCallMedia(config),
    logger,
    limits: createRateLimits(database, now),
    bookingGate: new WorkGate(BOOKING_LANES, { running: config.bookingConcurrency, ...BOOKING_LINE }),
    slotFollowers: new Followers(BOOKING_LINE),
    warnings: new InstallationWarnings(config, logger),
    disk,
    foreground: new Foreground(options.foregroundWaitMs),
    afterAnswer: new AfterAnswer(logger, disk),
    lostCitizens: (departmentId) => hubOf?.lostCitizens(departmentId) ?? [],
    now,
    version,
    webDistDir: options.webDistDir === undefined ? findWebDist() : options.webDistDir,
  };
  const app = createApp(deps);
  // A request arrives whole, body included, within the header timeout: Node's default gave a body
  // 300 s to trickle in (a request's deadline is the later of the two), and a client dribbling
  // bodies held a connection and up to 64 kB of buffered body each for five minutes. Checked
  // every few seconds, not every 30 s (Node's default), so the deadline is about what it says.
  const requestTimeout = options.requestTimeoutMs ?? 66_000;
  const server = http.createServer(
    {
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.min(5_000, Math.ceil(requestTimeout / 4)),
    },
    capUnansweredRequests(app),
  );
  answerClientErrors(server);
  if (config.trustProxy === false || config.trustProxy === 0) {
    capConnectionsPerAddress(server, config.httpConnectionsPerAddress);
  }
  // An idle keep-alive connection stays open longer than the reverse proxy's (nginx keeps its
  // upstream connections 60 s): otherwise the server closes one just as a request goes out on it,
  // and that request fails with a reset (seen from the browser tests' request client too). The
  // header timeout must exceed it, or a slow first request on a reused connection races it.
  server.keepAliveTimeout = 65_000;
  // A connection on which nothing moves for two minutes while a request is answered (a client that
  // stopped reading: the answer's rest waits in memory, an asset's file stays open) is let go;
  // otherwise it was held for ever. The call display's event stream, quiet between its heartbeats,
  // takes itself out (display-streams.ts), and WebSockets are out once upgraded (ws clears it).
  server.timeout = options.idleTimeoutMs ?? 120_000;
  const hub = new LiveHub(deps, { allowedOrigins: allowedOriginsFor(config) });
  hubOf = hub;
  hub.start(server);

  const mailWorker =
    options.mail === false ? null : new MailWorker({ database, config, logger, now, disk: deps.disk, ...options.mail });
  try {
    await mailWorker?.start();
  } catch (error) {
    await hub.stop();
    await events.stop();
    await database.close();
    throw error;
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await mailWorker?.stop();
    await hub.stop();
    await events.stop();
    await database.close();
    throw new CannotListenError(config.host, config.port, error);
  }
  // Set up beside the first requests: until they are there, the server's own listener takes all.
  const acceptors = addAcceptors(server, { extra: options.extraAcceptors ?? EXTRA_ACCEPTORS, logger });
  const scheduler = new Scheduler(serverJobs(deps, { hub, mailWorker }, options.jobs), logger, deps.disk);
  scheduler.start();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  let stopping: Promise<void> | null = null;
  return {
    url,
    deps,
    hub,
    mailWorker,
    acceptors,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        // The rounds in progress finish first (an expiry in flight publishes its event); the
        // heartbeat's, spread over half a beat, stops pinging sockets about to close anyway.
        hub.endRounds();
        await scheduler.stop();
        await hub.stop();
        // Open display streams would hold the close until the grace ends; they reconnect elsewhere.
        closeDisplayStreams(deps);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const extrasClosed = acceptors.close();
        server.closeIdleConnections();
        // A live connection whose other side does not answer the closing frame would hold the close
        // for ws's own 30 s, past `docker stop`'s patience: each has a moment, then is ended.
        const silent = setTimeout(() => hub.terminateAll(), Math.min(LIVE_CLOSE_MS, graceMs));
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        await closed;
        await extrasClosed;
        clearTimeout(silent);
        clearTimeout(force);
        // The requests are answered; what they do after the answer (a reset's link and mail) ends.
        await deps.afterAnswer.settled();
        // Before the database closes: the round in progress marks what it sent.
        await mailWorker?.stop();
        await events.stop();
        await database.close();
      })();
      return stopping;
    },
  };
}
