import { TelemetryFrameReader, type TelemetryFrame } from '../../sandbox/telemetry-log.ts';

/** A frame as aws-lambda-ric writes one: header then message, big-endian. */
function frame(type: number, message: string, epochMs = 1_700_000_000_123): Buffer {
  const body = Buffer.from(message, 'utf8');
  const header = Buffer.alloc(16);
  header.writeUInt32BE(type >>> 0, 0);
  header.writeInt32BE(body.length, 4);
  header.writeBigInt64BE(BigInt(epochMs) * 1000n, 8);
  return Buffer.concat([header, body]);
}

function collect(): { frames: TelemetryFrame[]; errors: string[]; reader: TelemetryFrameReader } {
  const frames: TelemetryFrame[] = [];
  const errors: string[] = [];
  return { frames, errors, reader: new TelemetryFrameReader((f) => frames.push(f), (e) => errors.push(e)) };
}

describe('the telemetry log fd reader', () => {
  it('decodes text and JSON frames with their level, however the bytes are split', () => {
    // Prepare
    const { frames, errors, reader } = collect();
    const bytes = Buffer.concat([frame(0xa55a0003 | 12, 'line one\nstill one\n'), frame(0xa55a0002 | 20, '{"level":"ERROR","message":"é"}')]);

    // Act
    for (let at = 0; at < bytes.length; at += 5) reader.push(bytes.subarray(at, at + 5));
    reader.end();

    // Assess
    expect(frames).toEqual([
      { format: 'text', level: 'INFO', timestampMs: 1_700_000_000_123, message: 'line one\nstill one\n' },
      { format: 'json', level: 'ERROR', timestampMs: 1_700_000_000_123, message: '{"level":"ERROR","message":"é"}' },
    ]);
    expect(errors).toEqual([]);
  });

  it('reports bytes that are not a frame once and ignores the rest', () => {
    // Prepare
    const { frames, errors, reader } = collect();

    // Act
    reader.push(Buffer.from('plain text written to the fd by someone else\n'));
    reader.push(frame(0xa55a0003 | 12, 'ignored'));

    // Assess
    expect(frames).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/malformed telemetry log frame/);
  });

  it('reports a stream that ends inside a frame', () => {
    // Prepare
    const { errors, reader } = collect();

    // Act
    reader.push(frame(0xa55a0003 | 12, 'cut short').subarray(0, 20));
    reader.end();

    // Assess
    expect(errors).toEqual(['sandbox: telemetry log stream ended inside a frame (20 bytes left)']);
  });
});
