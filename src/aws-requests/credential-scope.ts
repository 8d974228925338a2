/** What a SigV4 signature's credential scope says about a request. */
export interface CredentialScope {
  /** The service's signing name (`s3`, `dynamodb`, `states`, …). */
  readonly signingName: string;
  readonly region: string | undefined;
}

const CREDENTIAL = 'Credential=';

/**
 * Reads the credential scope out of a SigV4 `Authorization` header, and nothing else from it (the
 * header is a secret: never recorded). SigV4: `AWS4-HMAC-SHA256 Credential=<key id>/<yyyymmdd>/
 * <region>/<service>/aws4_request, SignedHeaders=…, Signature=…`; SigV4a (multi-region access
 * points, global endpoints): `AWS4-ECDSA-P256-SHA256 Credential=<key id>/<yyyymmdd>/<service>/
 * aws4_request, …` with the regions in `X-Amz-Region-Set`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
export function readCredentialScope(authorization: string, regionSet: string | undefined): CredentialScope | undefined {
  const start = authorization.indexOf(CREDENTIAL);
  if (start === -1) return undefined;
  const valueStart = start + CREDENTIAL.length;
  let end = authorization.indexOf(',', valueStart);
  if (end === -1) end = authorization.length;
  // key id / date / [region /] service / aws4_request
  const parts = authorization.slice(valueStart, end).trim().split('/');
  if (parts[parts.length - 1] !== 'aws4_request') return undefined;
  if (parts.length === 5) return scope(parts[3], parts[2]);
  if (parts.length === 4) return scope(parts[2], regionSet === undefined || regionSet === '*' || regionSet.includes(',') ? undefined : regionSet.trim());
  return undefined;
}

function scope(signingName: string | undefined, region: string | undefined): CredentialScope | undefined {
  if (signingName === undefined || signingName === '') return undefined;
  return { signingName, region: region === '' ? undefined : region };
}
