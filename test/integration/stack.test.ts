/**
 * The foundation works on the real servers: a trivial workflow on the dev server, a document through mongoose on
 * FerretDB, and a mail through nodemailer read back from the SMTP sink.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import nodemailer from 'nodemailer';
import { Worker, NativeConnection } from '@temporalio/worker';
import { connectDevServer, devServerAddress } from '../helpers/temporal';
import { connectTestDatabase } from '../helpers/mongo';
import { readSinkMessages } from '../../scripts/services/smtp-sink';

jest.setTimeout(60_000); // starts and stops real Temporal, FerretDB and SMTP servers

describe('the development stack', () => {
  it('runs a workflow on the real Temporal dev server', async () => {
    const { connection, client } = await connectDevServer();
    const workerConnection = await NativeConnection.connect({ address: devServerAddress() });
    const taskQueue = `stack-${randomUUID()}`;
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue,
      workflowsPath: require.resolve('./fixtures/echo.workflow'),
    });
    try {
      const result = await worker.runUntil(
        client.workflow.execute('echoWorkflow', { taskQueue, workflowId: `echo-${randomUUID()}`, args: ['你好'] }),
      );
      expect(result).toBe('echo: 你好');
    } finally {
      await workerConnection.close();
      await connection.close();
    }
  });

  it('writes and reads a document through mongoose on the real store', async () => {
    const drop = await connectTestDatabase('stack');
    try {
      const Probe = mongoose.model(
        'StackProbe',
        new mongoose.Schema({ key: { type: String, unique: true }, n: Number }),
      );
      await Probe.init();
      await Probe.create({ key: 'a', n: 1 });
      await expect(Probe.create({ key: 'a', n: 2 })).rejects.toMatchObject({ code: 11000 });
      expect(await Probe.findOne({ key: 'a' }).lean()).toMatchObject({ key: 'a', n: 1 });
    } finally {
      await drop();
    }
  });

  it('delivers a mail through nodemailer to the SMTP sink', async () => {
    const transport = nodemailer.createTransport(process.env.SMTP_URL);
    const marker = randomUUID();
    await transport.sendMail({
      from: 'noreply@childsafe.local',
      to: 'police@changning.demo.childsafe.local',
      subject: `新任务 New task ${marker}`,
      text: '请处理。Please handle.',
    });
    transport.close();
    const received = readSinkMessages(process.env.MAIL_SINK_DIR!).find((m) => m.subject.includes(marker));
    expect(received).toMatchObject({
      to: ['police@changning.demo.childsafe.local'],
      text: expect.stringContaining('请处理'),
    });
  });
});
