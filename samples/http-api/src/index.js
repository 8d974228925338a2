// GET /orders/{orderId}: reads the order from DynamoDB and asks the inventory service whether its
// item is in stock. No tracing code: with the layer, the invocation is a server span named after
// the route, and the DynamoDB call and the fetch are client spans beneath it.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

// The SDK reads its endpoint from the environment (AWS_ENDPOINT_URL_DYNAMODB), else uses AWS's.
const dynamodb = new DynamoDBClient({});
const { TABLE_NAME, INVENTORY_URL } = process.env;

const json = (statusCode, body) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export const handler = async (event) => {
  const orderId = event.pathParameters?.orderId ?? '';
  const { Item: order } = await dynamodb.send(new GetItemCommand({ TableName: TABLE_NAME, Key: { orderId: { S: orderId } } }));
  if (order === undefined) return json(404, { message: `no order ${orderId}` });

  const sku = order.sku?.S ?? '';
  const stock = await fetch(`${INVENTORY_URL}/stock/${encodeURIComponent(sku)}`, { signal: AbortSignal.timeout(3000) });
  if (!stock.ok) return json(502, { message: `inventory answered ${stock.status}` });
  const { inStock } = await stock.json();
  return json(200, { orderId, status: order.status?.S, sku, inStock });
};
