// GET /hello/{name}. No tracing code and no endpoint setting: the layer sends its spans to
// localhost:4318, where the collector layer's receiver listens; the collector exports them to
// your backend after the response, without Lambda freezing the sandbox in between.
export const handler = async (event) => {
  const name = event.pathParameters?.name ?? 'world';
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hello: name }) };
};
