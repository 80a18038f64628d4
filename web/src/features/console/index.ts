// The clerk's side: signing in, the departments, each department's console (door, queue,
// appointments) and the tools a clerk has in a call.
export { clerkCallTools } from './clerk-call-tools';
export { ConsolePage } from './ConsolePage';
export { StaffHomePage } from './StaffHomePage';
export { StaffLoginPage } from './StaffLoginPage';
