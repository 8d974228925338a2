// GET /quotes/{sku}: asks the pricing service for the item's price. No tracing code: the layer
// turns the invocation into a server span and the fetch into a client span beneath it.
import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';

const PRICING_URL = process.env.PRICING_URL ?? 'https://pricing.example.com';

interface Price {
  amount: number;
  currency: string;
}

export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const sku = event.pathParameters?.sku ?? '';
  const response = await fetch(`${PRICING_URL}/prices/${encodeURIComponent(sku)}`, { signal: AbortSignal.timeout(3000) });
  if (response.status === 404) return { statusCode: 404, body: JSON.stringify({ message: `no price for ${sku}` }) };
  if (!response.ok) return { statusCode: 502, body: JSON.stringify({ message: `pricing answered ${response.status}` }) };
  const price = (await response.json()) as Price;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sku, price: price.amount, currency: price.currency }),
  };
};
