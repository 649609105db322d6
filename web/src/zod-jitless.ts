/**
 * Imported first by main.tsx, before any contract schema is built. Zod 4 probes `new Function('')` when it builds an
 * object schema to decide whether it may compile fast parsers; under our Content-Security-Policy (no 'unsafe-eval')
 * that probe is a CSP violation logged in every browser. Jitless mode skips the probe and parses the same way.
 */
import { z } from 'zod';

z.config({ jitless: true });
