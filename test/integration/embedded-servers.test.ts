/**
 * Starting the embedded servers (scripts/services/listening-server.ts) when a port they bind is taken: another server
 * starting on the machine can take a port between its pick and the bind. Such a start is tried again, keeping the
 * ports we asked for; a port that stays taken fails, naming the cause, and is never mistaken for our server because
 * something answers there.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startFerretDb } from '../../scripts/services/ferretdb';
import { startTemporalDevServer } from '../../scripts/services/temporal-dev-server';
import { freePort, waitForPort } from '../../scripts/services/ports';
import { eventually } from '../helpers/eventually';

jest.setTimeout(120_000); // starts real dev servers, some of them more than once

function hold(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const refusals = (logFile: string) =>
  fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('address already in use').length - 1 : 0;

describe('starting the embedded servers', () => {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'childsafe-devserver-'));
  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  it('starts again when a port was taken between its pick and its bind, on the ports it was asked for', async () => {
    const logDir = path.join(workDir, 'released');
    const logFile = path.join(logDir, 'temporal.log');
    const [port, uiPort] = await Promise.all([freePort(), freePort()]);
    const taken = await hold(uiPort);
    // The port is given back as soon as the first attempt has been refused it, as a racing server's would be.
    const released = eventually(() => expect(refusals(logFile)).toBeGreaterThan(0), 60_000).then(
      () => new Promise<void>((resolve) => taken.close(() => resolve())),
    );
    const server = await startTemporalDevServer({ logDir, port, uiPort });
    try {
      await released;
      expect(server.address).toBe(`127.0.0.1:${port}`);
      expect(server.uiUrl).toBe(`http://127.0.0.1:${uiPort}`);
      expect(refusals(logFile)).toBeGreaterThanOrEqual(1);
      await waitForPort(uiPort, 30_000); // the Web UI listens there now, in place of the holder
    } finally {
      await server.stop();
    }
  });

  it('gives up after three attempts when the port stays taken, saying why', async () => {
    const logDir = path.join(workDir, 'held');
    const [port, uiPort] = await Promise.all([freePort(), freePort()]);
    const taken = await hold(uiPort);
    try {
      await expect(startTemporalDevServer({ logDir, port, uiPort })).rejects.toThrow(/address already in use/);
      expect(refusals(path.join(logDir, 'temporal.log'))).toBe(3);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('never takes another server on the port for the one it started: the Temporal dev server and FerretDB refuse it', async () => {
    const [temporalPort, ferretPort] = await Promise.all([freePort(), freePort()]);
    const taken = await Promise.all([hold(temporalPort), hold(ferretPort)]);
    try {
      const logDir = path.join(workDir, 'not-ours');
      await expect(startTemporalDevServer({ logDir, headless: true, port: temporalPort })).rejects.toThrow(
        /address already in use/,
      );
      expect(refusals(path.join(logDir, 'temporal.log'))).toBe(3);
      await expect(
        startFerretDb({ dataDir: path.join(workDir, 'ferretdb'), logDir, port: ferretPort }),
      ).rejects.toThrow(/address already in use/);
      expect(refusals(path.join(logDir, 'ferretdb.log'))).toBe(3);
    } finally {
      await Promise.all(taken.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    }
  });
});
