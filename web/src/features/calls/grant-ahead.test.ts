import type { CallJoinResponse } from '@amtsraum/shared';
import { describe, expect, it, vi } from 'vitest';
import { askGrantAhead, claimGrantAhead } from './grant-ahead';

const VISIT = '0b6f0c1e-5a43-4c39-9d0a-2f7a1c3e9b11';
const OTHER = '7d2e4b8a-1c5f-4e6a-b3d9-8f0a2c4e6b13';
const grant = { transport: 'p2p' } as unknown as CallJoinResponse;

describe('the call grant asked for ahead', () => {
  it('is asked for once and handed to the call page of that visit only, once', async () => {
    const ask = vi.fn(() => Promise.resolve(grant));
    askGrantAhead(VISIT, ask);
    expect(ask).toHaveBeenCalledWith(VISIT);
    expect(claimGrantAhead(OTHER)).toBeNull();
    const claimed = claimGrantAhead(VISIT);
    expect(claimed).not.toBeNull();
    await expect(claimed!.grant).resolves.toBe(grant);
    expect(claimGrantAhead(VISIT)).toBeNull();
  });

  it('keeps a refusal for the call page to show, without an unhandled rejection meanwhile', async () => {
    const refusal = Object.assign(new Error('forbidden'), { code: 'forbidden' });
    askGrantAhead(VISIT, () => Promise.reject(refusal));
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(claimGrantAhead(VISIT)!.grant).rejects.toBe(refusal);
  });

  it('is replaced by a newer visit let in (the first page never opened)', () => {
    askGrantAhead(VISIT, () => Promise.resolve(grant));
    askGrantAhead(OTHER, () => Promise.resolve(grant));
    expect(claimGrantAhead(VISIT)).toBeNull();
    expect(claimGrantAhead(OTHER)).not.toBeNull();
  });
});
