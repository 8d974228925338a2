/** Issue 4: a collector answering with errors never stalls a function (see test/support/failing-collector.ts). */
import { answersStatus, describeFailingCollector } from '../support/failing-collector.ts';

jest.setTimeout(60_000);

describeFailingCollector([answersStatus(500), answersStatus(503), answersStatus(429)]);
