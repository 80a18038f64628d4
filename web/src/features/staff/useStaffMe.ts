import { StaffMeSchema } from '@amtsraum/shared';
import { useApi } from '../../app/useApi';

export const useStaffMe = () => useApi('/api/staff/me', StaffMeSchema);
