// POST / on the function URL: takes an event as JSON ({ "type": ..., "id": ... }) and forwards it
// to the events service. No tracing code: with the layer, the invocation is a server span with
// the request's HTTP attributes (never its body) and the forward a client span beneath it.
const { EVENTS_URL } = process.env;

const json = (statusCode, body) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function parseBody(event) {
  try {
    return JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''));
  } catch {
    return undefined;
  }
}

export const handler = async (event) => {
  if (event.requestContext?.http?.method !== 'POST') return json(405, { message: 'POST an event' });
  const received = parseBody(event);
  if (typeof received?.type !== 'string' || typeof received?.id !== 'string') return json(400, { message: 'an event needs a type and an id' });

  const forwarded = await fetch(`${EVENTS_URL}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: received.id, type: received.type, receivedAt: new Date().toISOString() }),
    signal: AbortSignal.timeout(3000),
  });
  if (!forwarded.ok) return json(502, { message: `events service answered ${forwarded.status}` });
  return json(202, { accepted: received.id });
};
