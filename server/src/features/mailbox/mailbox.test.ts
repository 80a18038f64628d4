import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { MailboxListSchema, MailboxMessageSchema } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../config.js';
import { MAIL_BUSY_DEFER_MAX_MS } from '../../mail/mail.worker.js';
import { enqueueMail } from '../../mail/outbox.js';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { confirmationMessage as confirmation } from '../../test/mail-factories.js';
import { startTestServer, testConfig } from '../../test/server.js';
import { startSmtp } from '../../test/smtp.js';
import { addressedToThisMachine, mailboxEnabled } from './mailbox.router.js';

/** A GET as a browser sends it for a page at `host` (fetch may not set Host). */
function getAs(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { host, 'accept-language': 'en' } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

/** A trial opened in a browser on the machine itself, as `npm start` prints it. */
const ON_THIS_MACHINE = 'http://localhost:3000';
const local = (env: Record<string, string> = {}) => testConfig({ PUBLIC_BASE_URL: ON_THIS_MACHINE, ...env });

const recipient = () => `buerger-${crypto.randomUUID().slice(0, 8)}@example.org`;

describe.each(databaseKinds)('development mailbox on %s', (kind) => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'amtsraum-mailbox-'));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('lists and shows messages in the embedded mode, newest first', async () => {
    const server = await startTestServer(await createTestDatabase(kind), {
      env: { DATA_DIR: dataDir, PUBLIC_BASE_URL: ON_THIS_MACHINE },
    });
    try {
      const to = recipient();
      await enqueueMail(server.database.db, { kind: 'invite', to, subject: 'Erste', text: 'Hallo' });
      await enqueueMail(server.database.db, confirmation(to));
      const client = new TestClient(server.url);
      const list = await client.get('/api/dev/mailbox');
      expect(list.status).toBe(200);
      expect(list.headers.get('cache-control')).toBe('no-store');
      const { messages } = MailboxListSchema.parse(list.json);
      expect(messages.map((m) => m.subject)).toEqual([
        'Terminbestätigung: Bürgeramt, Montag, 23. November 2026, 10:30 Uhr',
        'Erste',
      ]);
      expect(messages[0]).toMatchObject({ kind: 'confirmation', to });

      const shown = await client.get(`/api/dev/mailbox/${messages[0]!.id}`);
      expect(shown.status).toBe(200);
      expect(shown.headers.get('cache-control')).toBe('no-store');
      const message = MailboxMessageSchema.parse(shown.json);
      expect(message.text).toContain('Montag, 23. November 2026');
      expect(message.html).toContain('<html lang="de">');
      expect(message.attachments[0]).toMatchObject({ filename: 'termin.ics' });
      expect(Buffer.from(message.attachments[0]!.content, 'base64').toString('utf8')).toContain('BEGIN:VCALENDAR');

      // The worker of the running server delivers into the outbox folder (while the process is
      // busy it may wait up to MAIL_BUSY_DEFER_MAX_MS first).
      await vi.waitFor(async () => expect((await client.get('/api/dev/mailbox')).json.messages[0].state).toBe('sent'), {
        timeout: MAIL_BUSY_DEFER_MAX_MS + 5_000,
        interval: 50,
      });

      expect((await client.get(`/api/dev/mailbox/${crypto.randomUUID()}`)).status).toBe(404);
      expect((await client.get('/api/dev/mailbox/nicht-da')).json.code).toBe('route_not_found');
    } finally {
      await server.stop();
    }
  });

  it('is not there behind a reverse proxy on the same machine, whose public name is not this machine', async () => {
    // The trial put behind nginx on the host: the app still listens on loopback, but is reached
    // at the town's name, which PUBLIC_BASE_URL must give for any change to pass the Origin check.
    const server = await startTestServer(await createTestDatabase(kind), {
      env: { DATA_DIR: dataDir, PUBLIC_BASE_URL: 'http://buergerbuero.musterstadt.example', TRUST_PROXY: '1' },
    });
    try {
      const to = recipient();
      await enqueueMail(server.database.db, { kind: 'staff.reset', to, subject: 'Passwort', text: 'Link' });
      const proxied = new TestClient(server.url, { 'x-forwarded-for': '203.0.113.9' });
      const list = await proxied.request('GET', '/api/dev/mailbox', undefined, { 'accept-language': 'en' });
      expect([list.status, list.json.code]).toEqual([404, 'route_not_found']);
      expect(JSON.stringify(list.json)).not.toContain(to);
      expect((await proxied.get(`/api/dev/mailbox/${crypto.randomUUID()}`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('is not there for a page of another site whose name a rebinding DNS server points at this machine', async () => {
    const server = await startTestServer(await createTestDatabase(kind), {
      env: { DATA_DIR: dataDir, PUBLIC_BASE_URL: ON_THIS_MACHINE },
    });
    try {
      const to = recipient();
      await enqueueMail(server.database.db, { kind: 'staff.reset', to, subject: 'Passwort', text: 'Link' });
      const port = new URL(server.url).port;
      const { messages } = MailboxListSchema.parse((await new TestClient(server.url).get('/api/dev/mailbox')).json);
      const mail = messages.find((message) => message.to === to);
      for (const host of [`attacker.example:${port}`, 'attacker.example', `localhost.attacker.example:${port}`]) {
        const list = await getAs(`${server.url}/api/dev/mailbox`, host);
        expect([list.status, JSON.parse(list.body).code]).toEqual([404, 'route_not_found']);
        expect(JSON.parse(list.body).title).toBe('This address does not exist.');
        expect(list.body).not.toContain(to);
        const one = await getAs(`${server.url}/api/dev/mailbox/${mail!.id}`, host);
        expect(one.status).toBe(404);
        expect(one.body).not.toContain(to);
      }
      // Addressed to this machine by any of its names, it answers as before.
      for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
        const list = await getAs(`${server.url}/api/dev/mailbox`, host);
        expect(list.status).toBe(200);
        expect(list.body).toContain(to);
      }
    } finally {
      await server.stop();
    }
  });

  it('is not there when SMTP is configured', async () => {
    const smtp = await startSmtp();
    const server = await startTestServer(await createTestDatabase(kind), {
      env: { SMTP_URL: smtp.url, PUBLIC_BASE_URL: ON_THIS_MACHINE },
    });
    try {
      const client = new TestClient(server.url);
      const list = await client.get('/api/dev/mailbox');
      expect(list.status).toBe(404);
      expect(list.json.code).toBe('route_not_found');
      expect((await client.get(`/api/dev/mailbox/${crypto.randomUUID()}`)).status).toBe(404);
    } finally {
      await server.stop();
      await smtp.close();
    }
  });
});

describe('mailbox availability', () => {
  it('is off in production even without SMTP', () => {
    const production = parseConfig({
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: 'https://amtsraum.example.de',
      SESSION_SECRET: 'x'.repeat(40),
    });
    expect(mailboxEnabled(production)).toBe(false);
    expect(mailboxEnabled(local())).toBe(true);
    expect(mailboxEnabled(local({ SMTP_URL: 'smtp://mail.example.de:587' }))).toBe(false);
  });

  it('is off when its public address is not this machine: a reverse proxy in front reaches it from anywhere', () => {
    expect(mailboxEnabled(local({ PUBLIC_BASE_URL: 'https://buergerbuero.musterstadt.example' }))).toBe(false);
    expect(mailboxEnabled(local({ PUBLIC_BASE_URL: 'http://192.168.1.20:3000' }))).toBe(false);
    expect(mailboxEnabled(local({ PUBLIC_BASE_URL: 'http://127.0.0.1:3000' }))).toBe(true);
    expect(mailboxEnabled(local({ PUBLIC_BASE_URL: 'http://[::1]:3000' }))).toBe(true);
  });

  it('takes a request as addressed to this machine only when its Host names this machine', () => {
    for (const host of ['localhost', 'localhost:3000', 'LOCALHOST:3000', '127.0.0.1:3000', '127.0.1.1', '[::1]:3000']) {
      expect(addressedToThisMachine(host)).toBe(true);
    }
    for (const host of [
      undefined,
      '',
      'attacker.example:3000',
      'localhost.attacker.example',
      '127.0.0.1.nip.io:3000',
      'x@127.0.0.1',
      '127.0.0.1:3000:1',
      '[::1]x',
    ]) {
      expect(addressedToThisMachine(host)).toBe(false);
    }
  });

  it('is off when the server listens beyond this machine: its password links would let anyone in', () => {
    expect(mailboxEnabled(local({ HOST: '0.0.0.0' }))).toBe(false);
    expect(mailboxEnabled(local({ HOST: '192.168.1.20' }))).toBe(false);
    expect(mailboxEnabled(local({ HOST: '::' }))).toBe(false);
    expect(mailboxEnabled(local({ HOST: '127.0.0.1' }))).toBe(true);
    expect(mailboxEnabled(local({ HOST: '127.0.1.1' }))).toBe(true);
    expect(mailboxEnabled(local({ HOST: 'localhost' }))).toBe(true);
    expect(mailboxEnabled(local({ HOST: '::1' }))).toBe(true);
  });
});
