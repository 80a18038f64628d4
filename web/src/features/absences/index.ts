// A clerk's own absences (issue 15), where the department lets clerks enter them. Loaded when
// opened, with the `absences` translations.
import { lazyComponent } from '../../lib/lazy-component';

export const AbsencesPage = lazyComponent(() => import('./AbsencesPage').then((m) => m.AbsencesPage), ['absences']);
