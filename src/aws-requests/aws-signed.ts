/**
 * The cheap first test every outgoing request goes through: only SigV4/SigV4a-signed ones
 * (`AWS4-HMAC-SHA256`, `AWS4-ECDSA-P256-SHA256`) can be AWS API calls.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export function isAwsSigned(authorization: unknown): authorization is string {
  return typeof authorization === 'string' && authorization.startsWith('AWS4-');
}
