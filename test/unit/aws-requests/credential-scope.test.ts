import fc from 'fast-check';
import { readCredentialScope } from '../../../src/aws-requests/credential-scope.ts';

describe('a SigV4 credential scope', () => {
  it('names the signing service and region', () => {
    const header = 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/eu-west-1/states/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';

    expect(readCredentialScope(header, undefined)).toEqual({ signingName: 'states', region: 'eu-west-1' });
  });

  it('takes a SigV4a region from the region set, when there is one region', () => {
    const header = 'AWS4-ECDSA-P256-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/s3/aws4_request, SignedHeaders=host, Signature=3045';

    expect(readCredentialScope(header, 'us-west-2')).toEqual({ signingName: 's3', region: 'us-west-2' });
    expect(readCredentialScope(header, 'us-west-2,eu-west-1')).toEqual({ signingName: 's3', region: undefined });
  });

  it.each([
    ['no credential', 'AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00'],
    ['too few parts', 'AWS4-HMAC-SHA256 Credential=AKID/20260101/aws4_request, Signature=00'],
    ['an empty service', 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1//aws4_request, Signature=00'],
    ['another terminator', 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws5_request, Signature=00'],
  ])('is not read from %s', (_label, header) => {
    expect(readCredentialScope(header, undefined)).toBeUndefined();
  });

  it('never returns any part of the signature, whatever the header', () => {
    fc.assert(
      fc.property(fc.string(), fc.stringMatching(/^[0-9a-f]{16,64}$/), (prefix, signature) => {
        const scope = readCredentialScope(`${prefix}, Signature=${signature}`, undefined);
        return scope === undefined || (!`${scope.signingName}/${scope.region ?? ''}`.includes(signature) && !scope.signingName.includes(','));
      }),
      { numRuns: 2000 },
    );
  });
});
