// Appointments (issues 6 and 16): what other features use of them. Its routers are wired in app.ts.
export { checkInOnsite, type CheckInActor, type OnsiteCheckIn } from './check-in-onsite.js';
export { lockAppointment, type AppointmentRow } from './appointments.repo.js';
