import { z } from 'zod/mini';

/** How a visit or appointment is served (issue 16): in a browser, or in the town hall. */
export const CHANNELS = ['video', 'onsite'] as const;
export const ChannelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof ChannelSchema>;
