/**
 * Production entry point of the projector alone (`node dist/apps/projector/main.js`): every URL must
 * be configured, since embedded servers are only started by the all-in-one launcher.
 */
import 'reflect-metadata';
import { runStandalone } from '@qa/config';
import { startProjector } from './projector.app';

runStandalone('projector', startProjector);
