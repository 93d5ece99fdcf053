// `npm start`: build, then run the service in this same process. npm does not pass its own SIGTERM
// on to the script it runs, so when npm goes away (a supervisor stopping it) the server would live on
// as an orphan: watch for that and shut down the normal way.
import cluster from 'node:cluster';
import { buildService } from './build.mjs';

// The HTTP processes of HTTP_PROCESSES > 1 run this script too; the primary has built already.
if (cluster.isPrimary) await buildService();
await import('../dist/src/main.mjs');

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 500).unref();
