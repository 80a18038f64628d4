import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { PAGES, type PageName } from '@amtsraum/shared';
import type { Config } from './config.js';
import type { AppDeps } from './deps.js';
import { appointmentsStaffRouter } from './features/appointments/appointments-staff.router.js';
import { appointmentsRouter } from './features/appointments/appointments.router.js';
import { departmentAuditRouter, tenantAuditRouter } from './features/audit-log/audit-log.router.js';
import { callsRouter } from './features/calls/calls.router.js';
import { livekitWebhookRouter } from './features/calls/livekit-webhook.router.js';
import { consoleRouter, formerClerkRouter } from './features/console/console.router.js';
import { devicesAdminRouter } from './features/devices/devices-admin.router.js';
import { devicesRouter } from './features/devices/devices.router.js';
import { directoryRouter, unknownTenantOverDepartment } from './features/directory/directory.router.js';
import { pathExists } from './features/directory/directory.service.js';
import { kioskRouter } from './features/kiosk/kiosk.router.js';
import { healthRouter } from './features/health/health.router.js';
import {
  identityProviderAdminRouter,
  oidcSignInRouter,
} from './features/identity-provider/identity-provider.router.js';
import { invitesRouter, invitesStaffRouter } from './features/invites/invites.router.js';
import { legalAdminRouter, legalRouter } from './features/legal/legal.router.js';
import { mailboxRouter } from './features/mailbox/mailbox.router.js';
import { departmentOrganisationRouter, tenantOrganisationRouter } from './features/organisation/organisation.router.js';
import { tenantExportRouter } from './features/setup/export.router.js';
import { availabilityRouter, ownAbsencesRouter } from './features/availability/availability.router.js';
import { offerRouter } from './features/offer/offer.router.js';
import { accountsRouter, municipalitiesRouter, staffAdminRouter } from './features/accounts/index.js';
import { adminRouter } from './features/staff/admin-access.js';
import { secondFactorAdminRouter } from './features/staff/second-factor-admin.router.js';
import { counterRouter } from './features/staff/counter.router.js';
import { staffDepartmentRouter } from './features/staff/staff-department.router.js';
import { staffRouter } from './features/staff/staff.router.js';
import { visitsRouter } from './features/visits/visits.router.js';
import { serializeError } from './lib/logger.js';
import { requestAddressGroup } from './lib/client-address.js';
import { AppError } from './lib/errors.js';
import { jsonBody } from './lib/json-body.js';
import { isSlug } from './lib/params.js';
import { precompressedAssets } from './lib/precompressed.js';
import { errorHandler, notFoundIn, notRouted, sendProblem } from './lib/problem.js';
import { PAGE_READ_LIMITS } from './lib/rate-limit.js';

const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** The built client, if there is one. */
export function findWebDist(): string | null {
  return fs.existsSync(path.join(DEFAULT_WEB_DIST, 'index.html')) ? DEFAULT_WEB_DIST : null;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Camera, microphone and screen sharing for the call, the kiosk's QR reader and the clerk's
 * forms; full screen and sound for the call display; every other powerful feature for nobody.
 */
const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=(self)',
  'display-capture=(self)',
  'fullscreen=(self)',
  'autoplay=(self)',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'bluetooth=()',
].join(', ');

/** Builds the HTTP application without listening, so tests can drive it with a fresh database. */
export function createApp(deps: AppDeps): Express {
  const { config } = deps;
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('query parser', 'simple');
  // No ETag computed over every answer: the API's answers are never stored (no-store), so the
  // hash over each body was work for nothing, which in the 07:45 rush every search paid (issue 14).
  // The page shell keeps its own, computed once (serveWebClient); files have theirs from serve-static.
  app.set('etag', false);

  // An installation behind a proxy with TRUST_PROXY unset: said once in the log and in /api/health.
  app.use((req, _res, next) => {
    deps.warnings.seeRequest(req);
    next();
  });
  // Counted from its arrival, body still to come: the hub's rounds over many let it pass.
  app.use(deps.foreground.middleware);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Paths only: query strings can carry personal data, and nothing secret belongs in a URL.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: serializeError,
      },
      // 503 is a state the answer names (database away, too busy, shutting down), not a fault of
      // this request: a warning, so readiness probes every few seconds fill no log with errors.
      customLogLevel: (_req, res, error) =>
        error
          ? 'error'
          : res.statusCode === 503
            ? 'warn'
            : res.statusCode >= 500
              ? 'error'
              : res.statusCode >= 400
                ? 'info'
                : 'debug',
      // For a 5xx without an error, pino-http makes one up ("failed with status code 503") with a
      // stack of its own internals; the error handler has logged the real one already.
      customErrorObject: (_req, res, error, value: Record<string, unknown>) =>
        error.message === `failed with status code ${String(res.statusCode)}` ? { ...value, err: undefined } : value,
    }),
  );

  const https = config.publicBaseUrl.protocol === 'https:';
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'connect-src': ["'self'", ...deps.media.connectSources],
          'media-src': ["'self'", 'blob:'],
          'img-src': ["'self'", 'data:', 'blob:'],
          // Nothing is loaded from elsewhere: helmet's default lets any https stylesheet or font in.
          // Inline styles stay allowed (React's style attributes, the call's layout).
          'style-src': ["'self'", "'unsafe-inline'"],
          'font-src': ["'self'"],
          // Nobody frames a page of ours, not even another of ours (a framed page could be
          // clicked through by a page on top of it).
          'frame-ancestors': ["'none'"],
          'upgrade-insecure-requests': https ? [] : null,
        },
      },
      xFrameOptions: { action: 'deny' },
      strictTransportSecurity: https ? { maxAge: 15_552_000, includeSubDomains: false } : false,
      referrerPolicy: { policy: 'same-origin' },
    }),
  );
  // The browser's powerful features only for our own pages: a script smuggled into a frame or a
  // page elsewhere cannot reach the camera, the microphone or the screen through us.
  app.use((_req, res, next) => {
    res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    next();
  });

  const allowedOrigins = allowedOriginsFor(config);
  const api = express.Router();
  // Cookie-authenticated changes only from our own pages: SameSite=Lax is the first guard,
  // the Origin check the second.
  api.use((req, _res, next) => {
    const origin = req.get('origin');
    if (req.method !== 'GET' && req.method !== 'HEAD' && origin && !allowedOrigins.has(origin)) {
      deps.warnings.seeRefusedOrigin(req, origin);
      throw new AppError('origin_not_allowed');
    }
    next();
  });
  api.use(jsonBody({ limit: '64kb' }));
  api.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  // The clerk's routes first: a clerk admits and finishes one citizen after another, and each
  // router passed on the way costs every request a test of each of its routes (issue 14, item 2).
  // No two routers below serve the same path, so their order changes nothing else; these two are
  // mounted on their own prefix, which other requests pass with one test each.
  // A clerk removed from a department during a call may still end that call (console.router.ts).
  api.use(formerClerkRouter(deps));
  // One guard for everything a clerk does in a department: session, department id, membership.
  api.use(
    staffDepartmentRouter(deps, [
      consoleRouter(deps),
      counterRouter(deps),
      appointmentsStaffRouter(deps),
      invitesStaffRouter(deps),
      ownAbsencesRouter(deps),
    ]),
  );
  // Then the citizen's busiest routes: leaving the queue, and the searches and bookings of a rush.
  api.use(visitsRouter(deps));
  api.use(appointmentsRouter(deps));
  api.use(healthRouter(deps));
  api.use(directoryRouter(deps));
  api.use(legalRouter(deps));
  api.use(invitesRouter(deps));
  api.use(devicesRouter(deps));
  api.use(kioskRouter(deps));
  api.use(callsRouter(deps));
  api.use(livekitWebhookRouter(deps));
  api.use(staffRouter(deps));
  api.use(oidcSignInRouter(deps));
  api.use(accountsRouter(deps));
  // Administration (issue 15): session, second factor, then the role for the path (admin-access.ts).
  api.use(
    adminRouter(deps, {
      installation: [municipalitiesRouter(deps)],
      tenant: [
        staffAdminRouter(deps),
        tenantOrganisationRouter(deps),
        tenantAuditRouter(deps),
        tenantExportRouter(deps),
        secondFactorAdminRouter(deps),
        identityProviderAdminRouter(deps),
        legalAdminRouter(deps),
      ],
      department: [
        departmentOrganisationRouter(deps),
        departmentAuditRouter(deps),
        offerRouter(deps),
        availabilityRouter(deps),
        devicesAdminRouter(deps),
      ],
    }),
  );
  api.use(mailboxRouter(deps));
  api.use('/tenants/:tenant', unknownTenantOverDepartment(deps));
  api.use(notFoundIn(api));
  app.use('/api', api);

  if (deps.webDistDir) serveWebClient(app, deps, deps.webDistDir);
  else app.use(notFoundIn(app.router));

  app.use(errorHandler(() => deps.database.ping(1_000), deps.disk));
  return app;
}

/** Origins whose pages may use the API and the WebSocket: ours, plus Vite's in development. */
export function allowedOriginsFor(config: Config): Set<string> {
  const origins = new Set([config.publicBaseUrl.origin]);
  if (config.env === 'development') {
    origins.add('http://localhost:5173');
    origins.add('http://127.0.0.1:5173');
  }
  return origins;
}

/** Serves the built client: hashed assets cached for good, the page shell never cached. */
function serveWebClient(app: Express, deps: AppDeps, webDistDir: string): void {
  const indexHtml = fs.readFileSync(path.join(webDistDir, 'index.html'), 'utf8');
  const shellTag = `"${createHash('sha256').update(indexHtml).digest('base64url').slice(0, 27)}"`;
  const assets = path.join(webDistDir, 'assets');
  app.use(
    '/assets',
    precompressedAssets(assets, { immutable: true, maxAge: '365d' }),
    express.static(assets, { immutable: true, maxAge: '365d', fallthrough: false }),
  );
  app.use(express.static(webDistDir, { index: false, maxAge: '1h' }));

  const slugChecks = deps.limits.limiter('page-shell-check', PAGE_READ_LIMITS.perAddress);
  const sendShell = (res: Response, status: number) => {
    // With the ETag set, `send` answers 304 to a browser that has this shell already.
    res.status(status).set({ 'Cache-Control': 'no-cache', ETag: shellTag }).type('html').send(indexHtml);
  };

  // Client routes (one table, PAGES in shared/): the shell, with 404 when the slugs name nothing,
  // so that search engines and link checkers see the truth while the client shows its not-found
  // page. Pages with fixed first segments come before `/:tenant/…`, whatever the table's order.
  const pages = (Object.keys(PAGES) as PageName[]).sort(
    (a, b) => Number('slugs' in PAGES[a]) - Number('slugs' in PAGES[b]),
  );
  for (const name of pages) {
    const page: { path: string; slugs?: boolean; tokenInFragment?: boolean } = PAGES[name];
    app.get(page.path, async (req: Request<Record<string, string>>, res) => {
      // A token rides in the fragment: nothing of the address may leave the page in a Referer.
      if (page.tokenInFragment) res.set('Referrer-Policy', 'no-referrer');
      const { tenant, department } = req.params;
      if (!page.slugs) return sendShell(res, 200);
      // A slug that is not well formed names nothing and never reaches a query (issue 11, item 5).
      if (!isSlug(tenant) || (department !== undefined && !isSlug(department))) return sendShell(res, 404);
      // The query counts per address, as the page's own reads do. Over the limit the shell still
      // goes out, unchecked, as 429 with Retry-After: the page's reads then say in the reader's
      // language whether they are refused too (a browser shows any status's page).
      try {
        await slugChecks.hit(requestAddressGroup(req));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        res.set(error.headers);
        return sendShell(res, error.status);
      }
      sendShell(res, (await pathExists(deps.database.db, tenant, department)) ? 200 : 404);
    });
  }
  app.use((req: Request, res: Response) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && req.accepts('html')) sendShell(res, 404);
    else sendProblem(req, res, notRouted(req, app.router));
  });
}
