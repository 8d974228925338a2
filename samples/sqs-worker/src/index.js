'use strict';
// Ships the orders of an SQS batch: one call to the shipping service per message. A message that
// fails is reported in batchItemFailures, so that SQS retries that message only and deletes the
// rest (ReportBatchItemFailures). No tracing code: with the layer, the batch is a consumer span
// linked to each message's producer, with a client span per call to the shipping service.

const { SHIPPING_URL } = process.env;

async function ship(record) {
  const { orderId } = JSON.parse(record.body);
  // PUT: SQS delivers at least once, so shipping the same order twice must be harmless.
  const response = await fetch(`${SHIPPING_URL}/shipments/${encodeURIComponent(orderId)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: record.body,
    signal: AbortSignal.timeout(3000),
  });
  if (!response.ok) throw new Error(`shipping answered ${response.status} for order ${orderId}`);
}

exports.handler = async (event) => {
  const outcomes = await Promise.allSettled(event.Records.map(ship));
  const batchItemFailures = [];
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') return;
    const { messageId } = event.Records[index];
    console.error(`message ${messageId} not shipped: ${outcome.reason.message}`);
    batchItemFailures.push({ itemIdentifier: messageId });
  });
  return { batchItemFailures };
};
