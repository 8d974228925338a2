// A nightly job on an EventBridge schedule: reads the previous day's order totals from the
// orders service and stores the day's report with the reports service. No tracing code: with the
// layer, the invocation is a server span (trigger `timer`) with a client span per call.
const { ORDERS_URL, REPORTS_URL } = process.env;
const DAY_MS = 24 * 60 * 60 * 1000;

async function call(url, init = {}) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  // Thrown, so that Lambda retries the asynchronous invocation (twice, by default).
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}`);
  return response.json();
}

export const handler = async (event) => {
  const day = new Date(Date.parse(event.time) - DAY_MS).toISOString().slice(0, 10);
  const { orders, revenue } = await call(`${ORDERS_URL}/totals/${day}`);
  await call(`${REPORTS_URL}/reports/${day}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ day, orders, revenue }),
  });
  return { day, orders, revenue };
};
