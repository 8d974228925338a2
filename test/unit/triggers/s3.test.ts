import { SpanKind } from '@opentelemetry/api';
import { extractTrigger } from '../../../src/triggers/index.ts';
import { S3_EXTRACTOR } from '../../../src/triggers/s3.ts';
import { loadEvent } from './event-fixtures.ts';

type S3Record = { eventName: string; s3: { object: { key: string } } };

describe('the S3 trigger', () => {
  it('describes an upload as an insert, with the decoded object key', () => {
    // Prepare
    const event = loadEvent('s3-put');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(S3_EXTRACTOR.matches(event)).toBe(true);
    expect(trigger.spanName).toBeUndefined();
    expect(trigger.kind).toBe(SpanKind.SERVER);
    expect(trigger.attributes).toEqual({
      'faas.trigger': 'datasource',
      'faas.document.collection': 'invoice-uploads',
      'faas.document.operation': 'insert',
      'faas.document.name': '2024/03/Invoice No. 42é.pdf',
      'faas.document.time': '2024-03-10T14:03:45.123Z',
    });
  });

  it('describes a removal as a delete', () => {
    // Prepare
    const event = loadEvent('s3-delete');

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.attributes).toMatchObject({ 'faas.document.operation': 'delete', 'faas.document.name': 'tmp/old-report.csv' });
  });

  it.each([
    ['ObjectRestore:Completed', 'edit'],
    ['ObjectTagging:Put', 'edit'],
    ['LifecycleExpiration:Delete', 'delete'],
    ['ObjectCreated:CompleteMultipartUpload', 'insert'],
  ])('maps %s to %s', (eventName, operation) => {
    // Prepare
    const event = loadEvent('s3-put');
    (event['Records'] as S3Record[])[0]!.eventName = eventName;

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.attributes['faas.document.operation']).toBe(operation);
  });

  it('keeps a key that is not valid URL encoding as sent', () => {
    // Prepare
    const event = loadEvent('s3-put');
    (event['Records'] as S3Record[])[0]!.s3.object.key = 'reports/100%25+done%';

    // Act
    const trigger = extractTrigger(event);

    // Assess
    expect(trigger.attributes['faas.document.name']).toBe('reports/100%25+done%');
  });
});
