// Both admin pages in one chunk: they share the offer schemas, which would otherwise be put into
// the app's first chunk, on the door page's budget (issue 14).
export { AdminAvailabilityPage } from './AdminAvailabilityPage';
export { AdminServicesPage } from './AdminServicesPage';
