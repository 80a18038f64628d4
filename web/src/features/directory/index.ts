// The directory's public face: municipalities, departments and their doors.
export { loadDepartment, useDepartment, useTenant } from './api';
export { ContactDetails } from './ContactDetails';
export { DepartmentPage, type DoorContext } from './DepartmentPage';
export { DoorStatus } from './DoorStatus';
export { InstallationHomePage } from './InstallationHomePage';
export { LiveDoorSummary } from './LiveDoorSummary';
export { TenantBanner } from './TenantBanner';
export { TenantPage } from './TenantPage';
