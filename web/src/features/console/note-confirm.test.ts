import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/api';
import { message, type Message } from '../../lib/message';
import { noteConfirmer, type ConfirmOutcome } from './note-confirm';

function steps() {
  const log: string[] = [];
  let failure: Message | null = null;
  return {
    log,
    failure: () => failure,
    steps: {
      setBusy: (busy: boolean) => log.push(busy ? 'busy' : 'idle'),
      setFailure: (next: Message | null) => {
        failure = next;
        log.push(next ? 'failure' : 'clear');
      },
      close: () => log.push('close'),
    },
  };
}

const t = ((key: string) => key) as never;

describe('a note dialog’s confirmation', () => {
  it('closes only once the request succeeded, with the trimmed note', async () => {
    const onConfirm = vi.fn((): Promise<ConfirmOutcome> => Promise.resolve(null));
    const s = steps();
    await noteConfirmer()('  Bitte morgen wiederkommen ', { ...s.steps, onConfirm });
    expect(onConfirm).toHaveBeenCalledWith('Bitte morgen wiederkommen');
    expect(s.log).toEqual(['busy', 'clear', 'idle', 'close']);
  });

  it('stays open and says why when the request failed', async () => {
    const s = steps();
    const said = message(() => 'Der Besuch wurde schon übernommen.');
    await noteConfirmer()('Notiz', { ...s.steps, onConfirm: () => Promise.resolve(said) });
    expect(s.log).toEqual(['busy', 'clear', 'idle', 'failure']);
    expect(s.failure()).toBe(said);
  });

  it('stays open on a rejection, worded by its error code', async () => {
    const s = steps();
    await noteConfirmer()('Notiz', {
      ...s.steps,
      onConfirm: () => Promise.reject(new ApiError('network_error', null)),
    });
    expect(s.log).not.toContain('close');
    expect(s.failure()?.say(t, 'de')).toBe('errors:codes.network_error');
  });

  it('sends once while busy, and again after a failure', async () => {
    let settle: (outcome: ConfirmOutcome) => void = () => undefined;
    const onConfirm = vi.fn(() => new Promise<ConfirmOutcome>((resolve) => (settle = resolve)));
    const s = steps();
    const confirm = noteConfirmer();
    const first = confirm('Notiz', { ...s.steps, onConfirm });
    await confirm('Notiz', { ...s.steps, onConfirm });
    expect(onConfirm).toHaveBeenCalledTimes(1);
    settle(message(() => 'failed'));
    await first;
    const second = confirm('Notiz', { ...s.steps, onConfirm });
    settle(null);
    await second;
    expect(onConfirm).toHaveBeenCalledTimes(2);
    expect(s.log.at(-1)).toBe('close');
  });
});
