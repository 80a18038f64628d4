import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

/**
 * A failed statement's error (drizzle's DrizzleQueryError) carries the statement's parameters, in
 * its message ("params: …") and as a field: a knock's or a booking's name, concern and e-mail
 * address. The log keeps the statement and the database's reason, never the parameters.
 */
export function hideQueryParameters(text: string, error: unknown): string {
  const params = (error as { params?: unknown } | null)?.params;
  if (!Array.isArray(params) || params.length === 0) return text;
  return text.split(`\nparams: ${params.join(',')}`).join(`\nparams: (${String(params.length)} not logged)`);
}

/** pino's error serializer, without a statement's parameters (`hideQueryParameters`). */
export function serializeError(error: Error): ReturnType<typeof stdSerializers.err> {
  const serialized = stdSerializers.err(error);
  if (!Array.isArray((error as { params?: unknown }).params)) return serialized;
  const { params: _params, ...rest } = serialized as typeof serialized & { params?: unknown };
  return {
    ...rest,
    message: hideQueryParameters(serialized.message, error),
    stack: hideQueryParameters(serialized.stack, error),
  } as ReturnType<typeof stdSerializers.err>;
}

/**
 * Structured JSON logs. Cookies, authorization headers and anything named like a secret or
 * token are redacted wherever they appear, so a log file never carries a credential.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'amtsraum' },
    serializers: { err: serializeError },
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'res.headers["set-cookie"]',
        '*.password',
        '*.passwordHash',
        '*.token',
        '*.secret',
        '*.sessionSecret',
        '*.apiSecret',
        '*.smtpUrl',
      ],
      censor: '[redacted]',
    },
  };
  return pino(options, destination ?? standardOutput());
}

/**
 * pino's own stdout (asynchronous, flushed on exit) that outlives its terminal: a server started
 * in an SSH session that is then closed gets SIGHUP and stops, and each line it writes then fails
 * with EIO, which pino passes on as an uncaught error that ended the stop half done (exit code 1,
 * database not closed). pino itself stops writing on EPIPE (a closed pipe) only.
 */
function standardOutput(): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false });
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EIO' && error.code !== 'EPIPE') throw error;
    stream.write = () => true;
  });
  return stream;
}

export type { Logger };
