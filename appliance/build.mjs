// `npm run build:server -w appliance`: the appliance and its backup CLI as JavaScript in dist/.
import { fileURLToPath } from 'node:url';
import { buildService } from '../scripts/build-service.mjs';

await buildService(
  fileURLToPath(new URL('.', import.meta.url)),
  {
    main: 'main.ts',
    'backup-cli': 'backup/cli.ts',
  },
  ['accounts/common-passwords.txt'],
);
