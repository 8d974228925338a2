import { trace, type Link, type Span } from '@opentelemetry/api';
import { extensionLinks, notifyEnding, notifyStarted, type InvocationExtension, type InvocationStart } from '../../../src/invocation/invocation-extension.ts';

const START: InvocationStart = { event: {}, lambdaContext: {}, coldStart: true };
const SPAN: Span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
const LINK: Link = { context: SPAN.spanContext() };

describe('invocation extensions', () => {
  it('are called in order, and one that throws costs only its own part, with one warning', () => {
    // Prepare
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const calls: string[] = [];
    const failing: InvocationExtension = {
      name: 'failing extension',
      links: () => {
        throw new Error('links failed');
      },
      started: () => {
        throw new Error('started failed');
      },
      ending: () => {
        throw new Error('ending failed');
      },
    };
    const working: InvocationExtension = {
      name: 'working extension',
      links: () => [LINK],
      started: (span, start) => calls.push(`started ${span === SPAN} ${start.coldStart}`),
      ending: (_span, outcome) => calls.push(`ending ${outcome.status}`),
    };

    // Act
    const links = extensionLinks([failing, working], START);
    notifyStarted([failing, working], SPAN, START);
    notifyEnding([failing, working], SPAN, { status: 'ok', result: 1 }, START);
    const warnings = stderr.mock.calls.map(([line]) => String(line));
    stderr.mockRestore();

    // Assess
    expect(links).toEqual([LINK]);
    expect(calls).toEqual(['started true true', 'ending ok']);
    expect(warnings).toEqual([expect.stringContaining('failing extension threw (Error: links failed)')]);
  });

  it('puts the trigger’s links first, then the extensions’, and leaves the trigger’s list unchanged', () => {
    // Prepare
    const triggerLink: Link = { context: SPAN.spanContext(), attributes: { from: 'trigger' } };
    const triggerLinks = [triggerLink];
    const adding: InvocationExtension = { name: 'adding', links: () => [LINK] };
    const silent: InvocationExtension = { name: 'silent', links: () => [] };

    // Act
    const both = extensionLinks([silent, adding], START, triggerLinks);
    const triggerOnly = extensionLinks([silent], START, triggerLinks);
    const none = extensionLinks([silent], START);

    // Assess
    expect(both).toEqual([triggerLink, LINK]);
    expect(triggerOnly).toEqual([triggerLink]);
    expect(triggerLinks).toEqual([triggerLink]);
    expect(none).toEqual([]);
  });
});
