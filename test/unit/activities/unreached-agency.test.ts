/**
 * The agency named in an alert that a notice did not arrive (activities/stores/notifier.ts `unreachedAgency`): what
 * it adds to the alert must always pass the delivery schema, or the alert itself would never be delivered.
 */
import { notificationEventSchema } from '../../../activities/notification-delivery';
import { unreachedAgency } from '../../../activities/stores/notifier';

const alert = (named: ReturnType<typeof unreachedAgency>) =>
  notificationEventSchema.parse({
    idempotencyKey: 'case-1/task-1:assigned:delivery-failed',
    kind: 'delivery_failed',
    recipients: [{ email: 'coordinator@example.test' }],
    taskId: 'case-1/task-1',
    ...named,
  });

const name = { zh: '华阳路派出所', en: 'Huayang Road police station' };

describe('the agency an undelivered notice names', () => {
  it('is named in both languages, with its duty desk phone when the directory has one', () => {
    expect(alert(unreachedAgency({ name, contacts: [{ role: 'duty_desk', phone: ' 021-62512345 ' }] }))).toMatchObject({
      agencyName: name,
      agencyPhone: '021-62512345',
    });
    // Another contact's phone is not the desk's.
    expect(
      alert(unreachedAgency({ name, contacts: [{ role: 'supervisor', phone: '13800000000' }] })),
    ).not.toHaveProperty('agencyPhone');
  });

  it('leaves out what the schema would refuse rather than lose the alert', () => {
    const long = '021-62512345 / 021-62512346 / 021-62512347 ext. 1234';
    expect(alert(unreachedAgency({ name, contacts: [{ role: 'duty_desk', phone: long }] }))).not.toHaveProperty(
      'agencyPhone',
    );
    expect(alert(unreachedAgency({ name: { zh: '华阳路派出所', en: '' }, contacts: [] }))).not.toHaveProperty(
      'agencyName',
    );
    expect(alert(unreachedAgency(null))).not.toHaveProperty('agencyName');
  });
});
