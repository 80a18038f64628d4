// A department's kiosks and call displays, for its admins (issue 16): inside the staff area's chunk.
export { AdminDevicesPage } from './AdminDevicesPage';
