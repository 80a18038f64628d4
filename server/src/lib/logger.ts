import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Structured JSON logs. Cookies, authorization headers and anything named like a secret or
 * token are redacted wherever they appear, so a log file never carries a credential.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'amtsraum' },
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
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
