/**
 * Where a tab keeps the devices of the call it is in (kept-devices.ts). Apart, so that the call
 * page can tell at once whether to rejoin without loading the rest.
 */
export const KEPT_DEVICES_KEY = 'amtsraum.call.kept';

/** Whether this tab may have kept devices for `visitId`'s call (a reload during it). */
export function mayHaveKeptDevices(visitId: string): boolean {
  try {
    return window.sessionStorage.getItem(KEPT_DEVICES_KEY)?.includes(visitId) ?? false;
  } catch {
    return false;
  }
}
