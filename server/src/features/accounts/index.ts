// Staff accounts (issue 15): links to set a password, the reset, one's profile, the staff
// administration of a municipality and the municipalities of the installation.
export { accountsRouter } from './accounts.router.js';
export { municipalitiesRouter } from './installation.router.js';
export { staffAdminRouter } from './staff-admin.router.js';
