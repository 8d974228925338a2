// An ES module handler that looks up an order in a downstream HTTP service.
// With the layer, each invocation becomes a trace: the invocation span and, as its child,
// the outgoing HTTP call. No tracing code here: that is the point of the layer.
import { get } from 'node:http';

const INVENTORY_URL = process.env.INVENTORY_URL ?? 'http://localhost:8080';

function fetchJson(url) {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body: JSON.parse(body || 'null') }));
    }).on('error', reject);
  });
}

export const handler = async (event) => {
  const orderId = event?.pathParameters?.orderId ?? 'unknown';
  const stock = await fetchJson(`${INVENTORY_URL}/stock/${encodeURIComponent(orderId)}`);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId, inStock: stock.body?.inStock ?? false }),
  };
};
