import i18next from 'i18next';
import { afterAll, describe, expect, it, vi } from 'vitest';

/** The browser's WebSocket as the page's live client uses it, opened by the test. */
class FakeWebSocket {
  static made: FakeWebSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.made.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
}

vi.stubGlobal('WebSocket', FakeWebSocket);
vi.stubGlobal('window', { location: { protocol: 'http:', host: 'amtsraum.test' }, addEventListener() {} });
afterAll(() => {
  vi.unstubAllGlobals();
});

describe('the page’s live client', () => {
  it('tells the server the page’s language first on every connection and again on a switch', async () => {
    vi.useFakeTimers();
    try {
      // An English browser whose person then chooses German on the page.
      await i18next.init({ lng: 'en', supportedLngs: ['de', 'en'], resources: { de: {}, en: {} } });
      const { getLiveClient } = await import('./live-client');
      const client = getLiveClient();
      client.subscribe({ type: 'watch-visit' });
      FakeWebSocket.made.at(-1)!.open();
      expect(FakeWebSocket.made.at(-1)!.sent).toEqual([{ type: 'language', language: 'en' }, { type: 'watch-visit' }]);

      await i18next.changeLanguage('de');
      expect(FakeWebSocket.made.at(-1)!.sent.at(-1)).toEqual({ type: 'language', language: 'de' });

      // The connection lost and made again: German first, before the watches.
      FakeWebSocket.made.at(-1)!.drop();
      await vi.advanceTimersByTimeAsync(500);
      FakeWebSocket.made.at(-1)!.open();
      expect(FakeWebSocket.made).toHaveLength(2);
      expect(FakeWebSocket.made.at(-1)!.sent).toEqual([{ type: 'language', language: 'de' }, { type: 'watch-visit' }]);
      client.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
