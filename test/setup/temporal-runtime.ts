/** Keeps the Temporal SDK's own logging to warnings and errors, so test output shows what matters. */
import { Runtime, DefaultLogger } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
