// Seeds the demo data before `npm run setup` adds the booking test installation
// (tests/e2e/installation.e2e.json): the server seeds only an empty database, so after the setup it
// would no longer seed the demo the other specs use. Same configuration (env) as the server.
import { loadConfig } from '../../server/dist/config.js';
import { openDatabase } from '../../server/dist/db/client.js';
import { seedDemoIfEmpty } from '../../server/dist/features/setup/demo-seed.js';

const config = loadConfig();
const database = await openDatabase(
  config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dataDir: config.database.dataDir },
);
try {
  // The logins are fixed (SEED_DEMO_PASSWORD), so nothing needs printing.
  await seedDemoIfEmpty(database.db, { now: new Date(), password: config.seed.password });
} finally {
  await database.close();
}
