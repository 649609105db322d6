import { MongooseError } from 'mongoose';
import { isDependencyDown } from '../../../api/dependency-errors';

describe('recognising a dependency that is down', () => {
  it('takes mongoose refusing commands before its first connection for an unavailable database', () => {
    const err = new MongooseError(
      'Cannot call `users.findOne()` before initial connection is complete if `bufferCommands = false`.',
    );
    expect(isDependencyDown(err)).toBe(true);
  });

  it('takes driver selection and network errors, also as a cause, for an unavailable database', () => {
    expect(isDependencyDown(Object.assign(new Error('x'), { name: 'MongoServerSelectionError' }))).toBe(true);
    expect(
      isDependencyDown(new Error('wrapped', { cause: Object.assign(new Error('y'), { name: 'MongoNetworkError' }) })),
    ).toBe(true);
  });

  it('does not take ordinary errors for an outage', () => {
    expect(isDependencyDown(new Error('boom'))).toBe(false);
    expect(isDependencyDown(new MongooseError('Cast to ObjectId failed'))).toBe(false);
    expect(isDependencyDown(undefined)).toBe(false);
  });
});
