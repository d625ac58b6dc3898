/** Entry point of `npm start` (scripts/start.mjs builds first, then loads this file). */
import 'reflect-metadata';
import { runLauncher } from './launcher';

runLauncher({
  // The launcher hands its environment to loadConfig, the one place that interprets it.
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
