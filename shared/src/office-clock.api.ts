import { z } from 'zod/mini';
import { IsoInstantSchema } from './visits.api.js';

/**
 * `serverTime`: the office's clock when it answered (`GET /api/visit`), for the waiting room to
 * tell when an appointment's start passes. A module of its own, out of the web's shared `app`
 * chunk (web/vite.config.ts): only the waiting room's lazily loaded note reads it.
 */
export const OfficeClockSchema = z.object({ serverTime: IsoInstantSchema });
export type OfficeClock = z.infer<typeof OfficeClockSchema>;
