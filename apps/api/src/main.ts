/**
 * Production entry point of the API alone (`node dist/apps/api/main.js`): every URL must be
 * configured, since embedded servers are only started by the all-in-one launcher.
 */
import { startApi } from './api.app';
import { runStandalone } from '@qa/config';

runStandalone('api', startApi);
