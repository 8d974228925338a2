// Preloaded first (NODE_OPTIONS --import, ahead of any layer's own preload) in the benchmark's
// init-breakdown cold starts only. Marks, on the runtime process's own clock, the moment Node.js
// has booted and starts running preloads, and the moment our layer logs `started in X ms` (the
// parent sees a log line only when it gets round to reading the pipe, which can be late).
// Plain JavaScript because the runtime's Node.js 22 loads it too.
const now = () => performance.timeOrigin + performance.now();
const write = process.stderr.write.bind(process.stderr);
write(`[bench] preload ${now()}\n`);
process.stderr.write = (chunk, ...rest) => {
  const at = now();
  const written = write(chunk, ...rest);
  if (typeof chunk === 'string' && chunk.startsWith('[otel-lambda] DEBUG started in ')) write(`[bench] layer-started ${at}\n`);
  return written;
};
