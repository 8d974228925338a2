import fc from 'fast-check';
import { actionOfFormBody } from '../../../src/aws-requests/query-action.ts';

describe('the operation of a query-protocol body', () => {
  it.each([
    ['a string, Action first (as the SDK writes it)', 'Action=Publish&Version=2010-03-31&Message=hello', 'Publish'],
    ['bytes', Buffer.from('Action=GetCallerIdentity&Version=2011-06-15'), 'GetCallerIdentity'],
    ['a Uint8Array view into a larger buffer', new Uint8Array(Buffer.from('xxAction=AssumeRole&V=1')).subarray(2), 'AssumeRole'],
    ['Action after other members', 'Version=2010-03-31&Action=CreateTopic&Name=t', 'CreateTopic'],
    ['the body ending with the action', 'Action=ListTopics', 'ListTopics'],
  ])('is read from %s', (_label, body, action) => {
    expect(actionOfFormBody(body)).toBe(action);
  });

  it.each([
    ['no Action member', 'Version=2010-03-31&Message=Action%3DPublish'],
    ['an empty Action', 'Action=&Version=1'],
    ['a member merely ending in Action', 'NotAction=Publish'],
    ['an Action beyond the first 512 characters', `${'Message=x'.padEnd(600, 'x')}&Action=Publish`],
    ['a stream', { pipe: () => undefined }],
    ['nothing', undefined],
  ])('is not guessed from %s', (_label, body) => {
    expect(actionOfFormBody(body)).toBeUndefined();
  });

  it('is a Smithy name or nothing, whatever the body', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.uint8Array(), fc.string().map((text) => `Action=${text}`), fc.anything()), (body) => {
        const action = actionOfFormBody(body);
        return action === undefined || /^[A-Za-z0-9_]+$/.test(action);
      }),
      { numRuns: 2000 },
    );
  });
});
