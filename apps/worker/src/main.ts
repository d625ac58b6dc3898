/**
 * Production entry point of the worker alone (`node dist/apps/worker/main.js`): every URL must
 * be configured, since embedded servers are only started by the all-in-one launcher.
 */
import 'reflect-metadata';
import { runStandalone } from '@qa/config';
import { startWorker } from './worker.app';

runStandalone('worker', startWorker);
