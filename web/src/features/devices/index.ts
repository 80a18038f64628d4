// A department's kiosks and call displays, for its admins (issue 16): inside the staff area's chunk.
export { AdminDevicesPage } from './AdminDevicesPage';
// The pairing form a kiosk or display shows until it is paired (their own chunks import it).
export { DevicePairing, type DevicePairingProps } from './DevicePairing';
export { fetchPairedDevice } from './api';
