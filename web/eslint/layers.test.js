import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, it } from 'vitest';
import { layersRule } from './layers.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.afterAll = afterAll;

const root = path.resolve(import.meta.dirname, '../src');
const at = (file) => path.join(root, file);
const options = [{ root, features: { directory: [], visits: ['directory'], console: ['directory', 'visits'] } }];

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run('amtsraum-web/layers', layersRule, {
  valid: [
    // a feature's own files, lower layers, packages and the shared workspace
    { filename: at('features/visits/KnockForm.tsx'), code: "import { knock } from './api';", options },
    { filename: at('features/visits/KnockForm.tsx'), code: "import { getJson } from '../../lib/api';", options },
    { filename: at('features/visits/KnockForm.tsx'), code: "import { Field } from '../../ui/forms';", options },
    { filename: at('features/visits/KnockForm.tsx'), code: "import { pagePath } from '@amtsraum/shared';", options },
    // another feature through its index, where the table allows it
    {
      filename: at('features/visits/KnockSection.tsx'),
      code: "import { ContactDetails } from '../directory';",
      options,
    },
    { filename: at('features/visits/KnockSection.tsx'), code: "import type { X } from '../directory/index';", options },
    // app composes features through their index
    { filename: at('app/routes.tsx'), code: "import { KnockSection } from '../features/visits';", options },
    // or through its loaders, apart from its index for the first download
    { filename: at('app/routes.tsx'), code: "import { loadTools } from '../features/console/loaders';", options },
    // ui builds on lib; lib on lib and the locales
    { filename: at('ui/LiveStatus.tsx'), code: "import { useLiveConnectionState } from '../lib/useLive';", options },
    { filename: at('lib/i18n.ts'), code: "import { resources } from '../locales/resources';", options },
    // files outside web/src are not judged
    { filename: path.resolve(root, '../vite.config.ts'), code: "import x from './src/app/App';", options },
  ],
  invalid: [
    {
      filename: at('features/visits/KnockSection.tsx'),
      code: "import { ContactDetails } from '../directory/ContactDetails';",
      options,
      errors: [{ messageId: 'deep' }],
    },
    {
      filename: at('features/console/ConsolePage.tsx'),
      code: "export { KnockForm } from '../visits/KnockForm';",
      options,
      errors: [{ messageId: 'deep' }],
    },
    {
      filename: at('app/routes.tsx'),
      code: "import { loadTools } from '../features/console/loaders/tools';",
      options,
      errors: [{ messageId: 'deep' }],
    },
    {
      filename: at('features/directory/DepartmentPage.tsx'),
      code: "import { loadTools } from '../visits/loaders';",
      options,
      errors: [{ messageId: 'notAllowed' }],
    },
    {
      filename: at('features/directory/DepartmentPage.tsx'),
      code: "import { KnockSection } from '../visits';",
      options,
      errors: [{ messageId: 'notAllowed' }],
    },
    {
      filename: at('features/visits/KnockForm.tsx'),
      code: "const page = import('../../app/routes');",
      options,
      errors: [{ messageId: 'upward' }],
    },
    {
      filename: at('ui/ErrorPage.tsx'),
      code: "import { KnockSection } from '../features/visits';",
      options,
      errors: [{ messageId: 'upward' }],
    },
    {
      filename: at('lib/api.ts'),
      code: "import { PageHeading } from '../ui/PageHeading';",
      options,
      errors: [{ messageId: 'upward' }],
    },
    {
      filename: at('app/routes.tsx'),
      code: "import { WaitingRoomPage } from '../features/visits/WaitingRoomPage';",
      options,
      errors: [{ messageId: 'deep' }],
    },
    {
      filename: at('app/routes.tsx'),
      code: "import { KioskPage } from '../features/kiosk';",
      options,
      errors: [{ messageId: 'unknownFeature' }],
    },
    {
      filename: at('features/kiosk/KioskPage.tsx'),
      code: "import { getJson } from '../../lib/api';",
      options,
      errors: [{ messageId: 'unknownFeature' }],
    },
  ],
});
