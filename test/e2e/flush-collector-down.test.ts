/** Issue 4: a collector that is down, hung or slow never stalls a function (see test/support/failing-collector.ts). */
import { ANSWERS_LATE, NEVER_ANSWERS, REFUSES_CONNECTIONS, describeFailingCollector } from '../support/failing-collector.ts';

jest.setTimeout(60_000);

describeFailingCollector([REFUSES_CONNECTIONS, NEVER_ANSWERS, ANSWERS_LATE]);
