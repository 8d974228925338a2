'use strict';
// The smallest CommonJS handler: the layer traces it with no code change.
exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ hello: event?.name ?? 'world' }) });
