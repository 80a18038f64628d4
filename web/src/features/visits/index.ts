// Visits' public face: knocking on a department's door and waiting to be let in.
export { loadOwnVisit } from './api';
export { KnockSection } from './KnockSection';
export { WaitingRoomPage } from './WaitingRoomPage';
